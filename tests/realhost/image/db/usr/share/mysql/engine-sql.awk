# The statements of the simulated MySQL 5.7 server's SQL engine (busybox awk): run() and what
# it calls. Loaded after engine.awk (awk -f engine.awk -f engine-sql.awk), which reads the input
# into statements and defines the helpers used here (name_at, dbdir, take_literal, columns,
# parse_where, writable, err, ...) and the storage layout.

function run(s,    c, u, inner, d, t, p, frm, ibd, nr, R, i, ifx, nm, k) {
    s = trim(s)
    if (s == "") return
    if (s ~ /^\/\*!/) {
        inner = s; sub(/^\/\*![0-9]*/, "", inner); sub(/\*\/$/, "", inner)
        run(inner)
        return
    }
    if (s ~ /^\/\*/) return
    c = inline_comments(collapse(s))
    u = toupper(c)
    QDB = ""

    if (u ~ /^SET (GLOBAL |@@GLOBAL\.|PERSIST |SESSION |@@)?(SUPER_)?READ_ONLY *=/) { set_readonly(u); return }
    if (u ~ /^(SET|FLUSH|LOCK TABLES?|UNLOCK TABLES?|ALTER TABLE|START TRANSACTION|BEGIN|COMMIT|ROLLBACK)( |$)/) return
    if (u ~ /^USE /) {
        nm = name_at(c, 5)
        if (!exists(datadir "/" nm)) { err(1049, "42000", "Unknown database '" nm "'"); return }
        db = nm
        return
    }
    if (u ~ /^CREATE (DATABASE|SCHEMA) /) {
        ifx = (u ~ /^CREATE (DATABASE|SCHEMA) IF NOT EXISTS /)
        nm = name_at(c, ifx ? length("CREATE DATABASE IF NOT EXISTS ") + 1 : length("CREATE DATABASE ") + 1)
        if (exists(datadir "/" nm)) { if (!ifx) err(1007, "HY000", "Can't create database '" nm "'; database exists"); return }
        if (!writable()) return
        system("mkdir -p '" datadir "/" nm "'")
        print "default-character-set=utf8mb4\ndefault-collation=utf8mb4_general_ci" > (datadir "/" nm "/db.opt")
        close(datadir "/" nm "/db.opt")
        return
    }
    if (u ~ /^DROP (DATABASE|SCHEMA) /) {
        ifx = (u ~ /^DROP (DATABASE|SCHEMA) IF EXISTS /)
        nm = name_at(c, ifx ? length("DROP DATABASE IF EXISTS ") + 1 : length("DROP DATABASE ") + 1)
        if (!exists(datadir "/" nm)) { if (!ifx) err(1008, "HY000", "Can't drop database '" nm "'; database doesn't exist"); return }
        if (!writable()) return
        system("rm -rf '" datadir "/" nm "'")
        if (db == nm) db = ""
        return
    }
    if (u ~ /^CREATE TABLE /) {
        ifx = (u ~ /^CREATE TABLE IF NOT EXISTS /)
        nm = name_at(c, ifx ? length("CREATE TABLE IF NOT EXISTS ") + 1 : length("CREATE TABLE ") + 1)
        d = dbdir(); if (d == "") return
        frm = d "/" nm ".frm"
        if (exists(frm)) { if (!ifx) err(1050, "42S01", "Table '" nm "' already exists"); return }
        if (!writable()) return
        print s > frm; close(frm)
        printf "" > (d "/" nm ".ibd"); close(d "/" nm ".ibd")
        return
    }
    if (u ~ /^DROP TABLE /) {
        ifx = (u ~ /^DROP TABLE IF EXISTS /)
        p = ifx ? length("DROP TABLE IF EXISTS ") + 1 : length("DROP TABLE ") + 1
        while (1) {
            QDB = ""
            nm = name_at(c, p)
            d = dbdir(); if (d == "") return
            if (!exists(d "/" nm ".frm")) {
                if (!ifx) { err(1051, "42S02", "Unknown table '" TDB "." nm "'"); return }
            } else {
                if (!writable()) return
                system("rm -f '" d "/" nm ".frm' '" d "/" nm ".ibd'")
            }
            if (REST !~ /^ *,/) break
            c = REST; sub(/^ *, */, "", c); p = 1
        }
        return
    }
    if (u ~ /^INSERT (IGNORE )?INTO /) {
        nm = name_at(c, index(u, "INTO ") + 5)
        d = dbdir(); if (d == "") return
        if (!exists(d "/" nm ".frm")) { err(1146, "42S02", "Table '" TDB "." nm "' doesn't exist"); return }
        if (!writable()) return
        if (!match(toupper(s), /[ \t\n)`]VALUES?[ \t\n]*\(/)) { err(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1"); return }
        nr = parse_rows(s, RSTART + RLENGTH - 1, R)
        ibd = d "/" nm ".ibd"
        for (i = 1; i <= nr; i++) print R[i] >> ibd
        close(ibd)
        return
    }
    if (u ~ /^(DELETE FROM|TRUNCATE( TABLE)?) /) {
        if (u ~ /^DELETE FROM /) p = 13; else if (u ~ /^TRUNCATE TABLE /) p = 16; else p = 10
        nm = name_at(c, p)
        d = dbdir(); if (d == "") return
        frm = d "/" nm ".frm"; ibd = d "/" nm ".ibd"
        if (!exists(frm)) { err(1146, "42S02", "Table '" TDB "." nm "' doesn't exist"); return }
        k = columns(frm)
        if (!parse_where(REST, k, nm)) return
        if (!writable()) return
        rewrite(ibd, "delete", 0, "")
        return
    }
    if (u ~ /^UPDATE /) {
        nm = name_at(c, 8)
        d = dbdir(); if (d == "") return
        frm = d "/" nm ".frm"; ibd = d "/" nm ".ibd"
        if (!exists(frm)) { err(1146, "42S02", "Table '" TDB "." nm "' doesn't exist"); return }
        k = columns(frm)
        t = REST; sub(/^ *[Ss][Ee][Tt] +/, "", t)
        inner = name_at(t, 1); t = REST; sub(/^ *= */, "", t)
        take_literal(t); t = REST
        p = colindex(inner, k)
        if (!p) { err(1054, "42S22", "Unknown column '" inner "' in 'field list'"); return }
        inner = LIT
        if (!parse_where(t, k, nm)) return
        if (!writable()) return
        rewrite(ibd, "update", p, inner)
        return
    }
    if (u ~ /^SELECT /) { select(c, u); return }
    if (u ~ /^SHOW /) { show(c, u); return }
    err(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '" substr(c, 1, 60) "' at line 1")
}

# Rewrites a table's rows: deletes the rows matching WCOL/WLIT (all when WCOL is 0) or sets
# column col to lit in them.
function rewrite(ibd, op, col, lit,    tmp, l, F, n, j, out, hit) {
    tmp = ibd ".tmp"
    printf "" > tmp
    while ((getline l < ibd) > 0) {
        n = split_vals(l, F)
        hit = (WCOL == 0) || same(F[WCOL], WLIT)
        if (op == "delete" && hit) continue
        if (op == "update" && hit) {
            F[col] = lit; out = F[1]
            for (j = 2; j <= n; j++) out = out "," F[j]
            l = out
        }
        print l >> tmp
    }
    close(ibd); close(tmp)
    system("mv '" tmp "' '" ibd "'")
}

function header(h) { if (!skipnames) print h }

function variable(v,    lv) {
    lv = tolower(v); gsub(/^@@(global\.|session\.)?/, "", lv)
    if (lv == "read_only") return ro() ? 1 : 0
    if (lv == "super_read_only") return superro() ? 1 : 0
    if (lv == "version") return "5.7.44"
    if (lv == "version_comment") return "MySQL Community Server (GPL)"
    if (lv == "port") return 3306
    if (lv == "hostname") return ENVIRON["HOSTNAME"]
    return "NULL"
}

function select(c, u,    expr, uexpr, rest, nm, d, frm, ibd, ncols, l, F, n, out, sel, S, ns, i, j, cnt, lim, p) {
    expr = substr(c, 8)
    p = index(toupper(expr), " FROM ")
    if (p == 0) {
        uexpr = toupper(trim(expr))
        header(trim(expr))
        if (uexpr ~ /^@@/) print variable(trim(expr))
        else if (uexpr == "VERSION()") print "5.7.44"
        else if (uexpr == "DATABASE()") print (db == "" ? "NULL" : db)
        else if (uexpr == "USER()" || uexpr == "CURRENT_USER()") print user "@localhost"
        else if (uexpr ~ /^[0-9]+$/) print uexpr
        else if (uexpr ~ /^'.*'$/) print unquote(trim(expr))
        else { err(1054, "42S22", "Unknown column '" trim(expr) "' in 'field list'") }
        return
    }
    sel = trim(substr(expr, 1, p - 1))
    nm = name_at(expr, p + 6)
    rest = REST
    d = dbdir(); if (d == "") return
    frm = d "/" nm ".frm"; ibd = d "/" nm ".ibd"
    if (!exists(frm)) { err(1146, "42S02", "Table '" TDB "." nm "' doesn't exist"); return }
    ncols = columns(frm)
    if (!parse_where(rest, ncols, nm)) return
    lim = -1
    if (match(toupper(rest), / ?LIMIT [0-9]+/)) { lim = substr(rest, RSTART, RLENGTH); sub(/.*LIMIT /, "", lim); sub(/.*limit /, "", lim); lim = lim + 0 }
    if (toupper(sel) == "COUNT(*)") {
        cnt = 0
        while ((getline l < ibd) > 0) { n = split_vals(l, F); if (WCOL == 0 || same(F[WCOL], WLIT)) cnt++ }
        close(ibd)
        header("COUNT(*)"); print cnt
        return
    }
    if (sel == "*") { ns = ncols; for (i = 1; i <= ncols; i++) S[i] = i }
    else {
        ns = split(sel, S, / *, */)
        for (i = 1; i <= ns; i++) {
            j = colindex(S[i], ncols)
            if (!j) { err(1054, "42S22", "Unknown column '" S[i] "' in 'field list'"); return }
            S[i] = j
        }
    }
    out = COLS[S[1]]
    for (i = 2; i <= ns; i++) out = out "\t" COLS[S[i]]
    header(out)
    cnt = 0
    while ((getline l < ibd) > 0) {
        if (lim >= 0 && cnt >= lim) break
        n = split_vals(l, F)
        if (WCOL != 0 && !same(F[WCOL], WLIT)) continue
        out = unquote(F[S[1]])
        for (i = 2; i <= ns; i++) out = out "\t" unquote(F[S[i]])
        print out
        cnt++
    }
    close(ibd)
}

function show(c, u,    cmd, l, d, nm, pat, v, vars, n, i) {
    if (u ~ /^SHOW (DATABASES|SCHEMAS)/) {
        header("Database")
        print "information_schema"
        cmd = "ls -1 '" datadir "'"
        while ((cmd | getline l) > 0) if (system("test -d '" datadir "/" l "'") == 0) print l
        close(cmd)
        return
    }
    if (u ~ /^SHOW (FULL )?TABLES/) {
        d = dbdir(); if (d == "") return
        header("Tables_in_" TDB)
        cmd = "ls -1 '" d "'"
        while ((cmd | getline l) > 0) if (l ~ /\.frm$/) { sub(/\.frm$/, "", l); print l }
        close(cmd)
        return
    }
    if (u ~ /^SHOW CREATE TABLE /) {
        nm = name_at(c, 19)
        d = dbdir(); if (d == "") return
        if (!exists(d "/" nm ".frm")) { err(1146, "42S02", "Table '" TDB "." nm "' doesn't exist"); return }
        header("Table\tCreate Table")
        l = readfile(d "/" nm ".frm"); gsub(/\n/, "\\n", l)
        print nm "\t" l
        return
    }
    if (u ~ /^SHOW (GLOBAL |SESSION )?VARIABLES/) {
        pat = ""
        if (match(c, /[Ll][Ii][Kk][Ee] *'[^']*'/)) { pat = substr(c, RSTART, RLENGTH); sub(/^[^']*'/, "", pat); sub(/'$/, "", pat) }
        n = split("port read_only super_read_only version version_comment", vars, " ")
        header("Variable_name\tValue")
        gsub(/%/, ".*", pat); gsub(/_/, ".", pat)
        for (i = 1; i <= n; i++) {
            if (pat != "" && vars[i] !~ ("^" pat "$")) continue
            v = variable(vars[i])
            if (vars[i] ~ /read_only$/) v = v ? "ON" : "OFF"
            print vars[i] "\t" v
        }
        return
    }
    if (u ~ /^SHOW (MASTER|SLAVE) STATUS/ || u ~ /^SHOW PROCESSLIST/ || u ~ /^SHOW WARNINGS/) return
    err(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '" substr(c, 6, 40) "' at line 1")
}

function set_readonly(u,    val, super, on) {
    super = (u ~ /SUPER_READ_ONLY/)
    if (user != "root") { err(1227, "42000", "Access denied; you need (at least one of) the SUPER privilege(s) for this operation"); return }
    val = u; sub(/^[^=]*= */, "", val); val = trim(val); gsub(/'/, "", val)
    if (val == "ON" || val == "1" || val == "TRUE") on = 1
    else if (val == "OFF" || val == "0" || val == "FALSE") on = 0
    else { err(1231, "42000", "Variable '" (super ? "super_read_only" : "read_only") "' can't be set to the value of '" val "'"); return }
    system("mkdir -p '" rundir "'")
    if (on) {
        printf "" > roflag; close(roflag)
        if (super) { printf "" > superflag; close(superflag) }
    } else {
        system("rm -f '" superflag "'")
        if (!super) system("rm -f '" roflag "'")
    }
}
