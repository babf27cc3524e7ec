# The SQL engine of the simulated MySQL 5.7 server (busybox awk). Part of the realhost test
# lab, not of MyST: it understands the statements mysqldump writes and a MyST operator types.
#
# Storage: <datadir>/<db>/ is a database, <table>.frm holds its CREATE TABLE statement as given,
# <table>.ibd its rows, one a line, each the SQL literals of a row ('DEV',3,NULL).
# Global read_only lives in /var/run/mysqld (so it resets when the server restarts, as in MySQL).
#
# Understood: SET [GLOBAL] ..., SET GLOBAL [super_]read_only = ON|OFF, USE, CREATE/DROP DATABASE,
# CREATE/DROP TABLE, INSERT INTO t [(cols)] VALUES (...),..., DELETE FROM t [WHERE c = v],
# TRUNCATE t, UPDATE t SET c = v [WHERE c = v], SELECT cols|*|COUNT(*) FROM t [WHERE c = v],
# SELECT @@var / VERSION() / DATABASE() / literal, SHOW DATABASES|TABLES|VARIABLES LIKE 'x'|
# CREATE TABLE t, FLUSH ..., LOCK/UNLOCK TABLES, ALTER TABLE, transactions (no-ops), and
# /*!NNNNN ... */ executable comments. Anything else is a syntax error, as MySQL would say.
#
# Variables: user (who is connected), db (current database), skipnames (1: -N), datadir.
#
# This file reads the input into statements and holds the parsing and storage helpers; what
# each statement does (run() and the functions under it) is in engine-sql.awk. Load both:
#   awk -v user=... -f /usr/share/mysql/engine.awk -f /usr/share/mysql/engine-sql.awk
BEGIN {
    if (datadir == "") datadir = "/var/lib/mysql"
    if (rundir == "") rundir = "/var/run/mysqld"
    roflag = rundir "/read_only"
    superflag = rundir "/super_read_only"
    stmt = ""; inq = ""; failed = 0; lineno = 0; stmtline = 1
}

{
    lineno++
    line = $0
    sub(/\r$/, "", line)
    if (inq == "" && stmt ~ /^[ \t\n]*$/) {
        t = line; sub(/^[ \t]+/, "", t)
        if (t == "" || t ~ /^--([ \t]|$)/ || t ~ /^#/) next
        stmt = ""; stmtline = lineno
    }
    start = 1; n = length(line)
    for (i = 1; i <= n; i++) {
        c = substr(line, i, 1)
        if (inq != "") {
            if (c == "\\" && inq != "`") { i++; continue }
            if (c == inq) inq = ""
            continue
        }
        if (c == "'" || c == "\"" || c == "`") { inq = c; continue }
        if (c == "-" && substr(line, i, 2) == "--" && (i + 2 > n || substr(line, i + 2, 1) ~ /[ \t]/)) { n = i - 1; break }
        if (c == "#") { n = i - 1; break }
        if (c == ";") {
            stmt = stmt substr(line, start, i - start)
            run(stmt)
            if (failed) exit 1
            stmt = ""; start = i + 1; stmtline = lineno
        }
    }
    rest = substr(line, start, n - start + 1)
    if (stmt != "" || rest !~ /^[ \t]*$/) stmt = stmt rest "\n"
}

END {
    if (!failed && stmt !~ /^[ \t\n]*$/) run(stmt)
    if (failed) exit 1
    exit 0
}

function trim(s) { sub(/^[ \t\n\r]+/, "", s); sub(/[ \t\n\r]+$/, "", s); return s }

function err(code, state, msg) {
    printf "ERROR %s (%s) at line %d: %s\n", code, state, stmtline, msg > "/dev/stderr"
    failed = 1
}

function exists(path) { return system("test -e '" path "'") == 0 }

function readfile(path,    l, out, first) {
    out = ""; first = 1
    while ((getline l < path) > 0) { out = out (first ? "" : "\n") l; first = 0 }
    close(path)
    return out
}

# Whitespace runs outside quotes become one space (so keywords can be matched on one line
# while string literals keep their spaces).
function collapse(s,    out, i, c, q, n, sp) {
    out = ""; q = ""; n = length(s); sp = 0
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (q != "") {
            out = out c
            if (c == "\\" && q != "`") { i++; out = out substr(s, i, 1); continue }
            if (c == q) q = ""
            continue
        }
        if (c ~ /[ \t\n\r]/) { sp = 1; continue }
        if (sp && out != "") out = out " "
        sp = 0
        if (c == "'" || c == "\"" || c == "`") q = c
        out = out c
    }
    return out
}

# CREATE DATABASE /*!32312 IF NOT EXISTS*/ `x`: MySQL runs what such comments hold.
function inline_comments(c,    out, k) {
    out = ""
    while (match(c, /\/\*![0-9]* ?/)) {
        out = out substr(c, 1, RSTART - 1)
        c = substr(c, RSTART + RLENGTH)
        k = index(c, "*/")
        if (k == 0) break
        out = out substr(c, 1, k - 1)
        c = substr(c, k + 2)
    }
    return out c
}

function ro() { return exists(roflag) }
function superro() { return exists(superflag) }

function writable() {
    if ((user != "root" && ro()) || superro()) {
        err(1290, "HY000", "The MySQL server is running with the --" (superro() ? "super-read-only" : "read-only") " option so it cannot execute this statement")
        return 0
    }
    return 1
}

# name_at(c, pos): the identifier at c[pos] (`quoted` or bare; db.table gives QDB); REST is
# what follows it.
function name_at(c, pos,    r, nm, k) {
    r = substr(c, pos); sub(/^ +/, "", r)
    if (substr(r, 1, 1) == "`") {
        r = substr(r, 2); k = index(r, "`")
        nm = substr(r, 1, k - 1); r = substr(r, k + 1)
    } else if (match(r, /^[A-Za-z0-9_$]+/)) {
        nm = substr(r, 1, RLENGTH); r = substr(r, RLENGTH + 1)
    } else {
        nm = ""
    }
    if (substr(r, 1, 1) == "." && nm != "") { QDB = nm; return name_at(r, 2) }
    REST = r
    return nm
}

function dbdir(    d) {
    d = (QDB != "") ? QDB : db
    if (d == "") { err(1046, "3D000", "No database selected"); return "" }
    if (!exists(datadir "/" d)) { err(1049, "42000", "Unknown database '" d "'"); return "" }
    TDB = d
    return datadir "/" d
}

# The literal at the start of str (quoted string, number, NULL or bare word): LIT is its SQL
# text, REST what follows.
function take_literal(str,    q, i, n, c) {
    sub(/^ +/, "", str)
    q = substr(str, 1, 1)
    if (q == "'" || q == "\"") {
        n = length(str)
        for (i = 2; i <= n; i++) {
            c = substr(str, i, 1)
            if (c == "\\") { i++; continue }
            if (c == q) break
        }
        LIT = substr(str, 1, i); REST = substr(str, i + 1)
        return LIT
    }
    match(str, /^[^ ,;)]+/)
    LIT = substr(str, 1, RLENGTH); REST = substr(str, RLENGTH + 1)
    return LIT
}

# unquote: how mysql -B prints a stored literal.
function unquote(v,    q) {
    q = substr(v, 1, 1)
    if ((q == "'" || q == "\"") && length(v) >= 2) {
        v = substr(v, 2, length(v) - 2)
        gsub(/\\'/, "'", v); gsub(/\\"/, "\"", v); gsub(/''/, "'", v)
        return v
    }
    if (toupper(v) == "NULL") return "NULL"
    return v
}

# Literals compare as values: '3' = 3, 'DEV' = "DEV".
function same(a, b) { return unquote(a) == unquote(b) }

function split_vals(t, F,    n, i, c, q, cur, len) {
    split("", F)
    n = 0; q = ""; cur = ""; len = length(t)
    for (i = 1; i <= len; i++) {
        c = substr(t, i, 1)
        if (q != "") {
            cur = cur c
            if (c == "\\") { i++; cur = cur substr(t, i, 1); continue }
            if (c == q) q = ""
            continue
        }
        if (c == "'" || c == "\"") { q = c; cur = cur c; continue }
        if (c == ",") { F[++n] = trim(cur); cur = ""; continue }
        cur = cur c
    }
    F[++n] = trim(cur)
    return n
}

# The row tuples of an INSERT, from the "(" at p.
function parse_rows(s, p, R,    n, i, c, q, depth, st, len) {
    split("", R)
    n = 0; q = ""; depth = 0; len = length(s)
    for (i = p; i <= len; i++) {
        c = substr(s, i, 1)
        if (q != "") {
            if (c == "\\") { i++; continue }
            if (c == q) q = ""
            continue
        }
        if (c == "'" || c == "\"") { q = c; continue }
        if (c == "(") { if (depth == 0) st = i + 1; depth++; continue }
        if (c == ")") { depth--; if (depth == 0) R[++n] = trim(substr(s, st, i - st)); continue }
    }
    return n
}

# Column names of a table, from its .frm: COLS[1..n].
function columns(frm,    n, l) {
    split("", COLS)
    n = 0
    while ((getline l < frm) > 0) {
        if (l ~ /^[ \t]*`[^`]+`/) {
            sub(/^[ \t]*`/, "", l); sub(/`.*/, "", l)
            COLS[++n] = l
        }
    }
    close(frm)
    return n
}

function colindex(name, n,    i) {
    gsub(/`/, "", name)
    for (i = 1; i <= n; i++) if (tolower(COLS[i]) == tolower(name)) return i
    return 0
}

# WHERE col = literal (one condition): sets WCOL (0: none) and WLIT; false after an error.
function parse_where(rest, ncols, tname,    u, cname) {
    WCOL = 0; WLIT = ""
    rest = trim(rest)
    u = toupper(rest)
    if (u ~ /^(ORDER BY|LIMIT)/ || rest == "") return 1
    if (u !~ /^WHERE /) { err(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '" substr(rest, 1, 40) "' at line 1"); return 0 }
    rest = substr(rest, 7)
    cname = name_at(rest, 1); rest = REST
    sub(/^ *= */, "", rest)
    take_literal(rest)
    WCOL = colindex(cname, ncols)
    if (!WCOL) { err(1054, "42S22", "Unknown column '" cname "' in 'where clause'"); return 0 }
    WLIT = LIT
    return 1
}
