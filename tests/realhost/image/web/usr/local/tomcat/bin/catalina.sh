#!/bin/sh
# catalina.sh of the MyST Studio image (realhost test lab: Tomcat is imitated with busybox).
# `catalina.sh run` logs an Apache Tomcat 9 start-up, lets the console's Flyway migrate the
# database schema to this image's version over JDBC (MYST_DB_URL, MYST_DB_USER,
# MYST_DB_PASSWORD), deploys the console if that worked, and serves it on 127.0.0.1:8080.
CATALINA_HOME=${CATALINA_HOME:-/usr/local/tomcat}
cd "$CATALINA_HOME" || exit 1
if [ "$1" != run ]; then
    echo "Usage: catalina.sh run" >&2
    exit 1
fi
VERSION=${MYST_VERSION:?MYST_VERSION is not set}
BUILD=${MYST_BUILD:-$VERSION}
WAR=$CATALINA_HOME/webapps/console.war
DOCROOT=$CATALINA_HOME/work/Catalina/localhost/ROOT
CONSOLE=$DOCROOT/console
MIGRATIONS=$CONSOLE.deploying/WEB-INF/classes/db/migration
CONNECTOR='"http-nio-127.0.0.1-8080"'
DB_URL=${MYST_DB_URL:-jdbc:mysql://127.0.0.1:3306/myst}
DB_USER=${MYST_DB_USER:-myst}
DB_PASSWORD=${MYST_DB_PASSWORD:-}
hostport=${DB_URL#jdbc:mysql://}
hostport=${hostport%%/*}
DB_HOST=${hostport%%:*}
DB_PORT=${hostport#*:}
[ "$DB_PORT" = "$hostport" ] && DB_PORT=3306
DB_NAME=${DB_URL##*/}
DB_NAME=${DB_NAME%%\?*}
mkdir -p "$CATALINA_HOME/logs" "$CATALINA_HOME/temp"
LOGFILE=$CATALINA_HOME/logs/catalina.$(date +%Y-%m-%d).log

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
msec() { awk '{ srand(); split($1, a, "."); printf "%s%d", a[2], int(rand() * 10) }' /proc/uptime; }
out() { printf '%s\n' "$1"; printf '%s\n' "$1" >> "$LOGFILE" 2>/dev/null; }
tlog() { level=$1; thread=$2; shift 2; out "$(date '+%d-%b-%Y %H:%M:%S').$(msec) $level [$thread] $*"; }
alog() { level=$1; logger=$2; shift 2; out "$(date '+%H:%M:%S').$(msec) [main] $(printf '%-5s' "$level") $logger - $*"; }
grouped() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } print s r }'; }
secs() { awk -v n="$1" 'BEGIN { printf "00:%02d.%03ds", int(n / 1000), n % 1000 }'; }
vlt() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]; }
fault() { [ -f "/run/myst-faults/$1" ] && cat "/run/myst-faults/$1"; }

HTTPD=
shutdown() {
    tlog INFO Thread-3 "org.apache.coyote.AbstractProtocol.pause Pausing ProtocolHandler [$CONNECTOR]"
    tlog INFO Thread-3 "org.apache.catalina.core.StandardService.stopInternal Stopping service [Catalina]"
    [ -d "$CONSOLE" ] && alog INFO "o.s.web.context.ContextLoader" "Closing Root WebApplicationContext" &&
        alog INFO "com.zaxxer.hikari.HikariDataSource" "HikariPool-1 - Shutdown initiated..." &&
        alog INFO "com.zaxxer.hikari.HikariDataSource" "HikariPool-1 - Shutdown completed."
    [ -n "$HTTPD" ] && kill "$HTTPD" 2>/dev/null
    tlog INFO Thread-3 "org.apache.coyote.AbstractProtocol.stop Stopping ProtocolHandler [$CONNECTOR]"
    tlog INFO Thread-3 "org.apache.coyote.AbstractProtocol.destroy Destroying ProtocolHandler [$CONNECTOR]"
    exit 143
}
trap shutdown TERM INT

# db_call SQL: runs SQL over the JDBC connection. DB_OUT is the answer; status 0 done,
# 1 an SQL error, 2 no connection.
db_call() {
    # The real MariaDB client stands for the JDBC driver: the application's own account, its
    # password in the environment (not in ps), the answer tab-separated.
    DB_OUT=$(MYSQL_PWD=$DB_PASSWORD mysql -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" --connect-timeout=5 \
             -N -B "$DB_NAME" -e "$1" 2>&1)
    [ $? = 0 ] && return 0
    case "$DB_OUT" in
    *"ERROR 2002 "* | *"ERROR 2003 "* | *"ERROR 2013 "*) return 2 ;; # no connection
    esac
    return 1
}

sql_error() {  # The MySQL error in DB_OUT as JDBC reports it.
    printf '%s\n' "$DB_OUT" | sed -n 's/^ERROR \([0-9]*\) (\([^)]*\))[^:]*: \(.*\)$/\1|\2|\3/p' | head -n1
}

context_failed() {
    alog ERROR "o.s.web.context.ContextLoader" "Context initialization failed"
    out "org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'flywayInitializer' defined in class path resource [com/rubiconred/myst/config/DatabaseConfig.class]: Invocation of init method failed; nested exception is $1"
    out "	at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1786)"
    out "	at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.doCreateBean(AbstractAutowireCapableBeanFactory.java:602)"
    out "	at org.springframework.web.context.ContextLoader.initWebApplicationContext(ContextLoader.java:307)"
    out "	at org.apache.catalina.core.StandardContext.listenerStart(StandardContext.java:4768)"
    out "	at java.base/java.lang.Thread.run(Thread.java:829)"
    out "Caused by: $1"
    out "	at org.flywaydb.core.Flyway\$1.execute(Flyway.java:169)"
    out "	at org.flywaydb.core.Flyway.execute(Flyway.java:538)"
    out "	... 41 more"
    tlog SEVERE main "org.apache.catalina.core.StandardContext.listenerStart Exception sending context initialized event to listener instance of class [org.springframework.web.context.ContextLoaderListener]"
}

# Flyway: migrates the schema to this image's version. False when the console cannot start.
migrate() {
    alog INFO "o.f.c.i.license.VersionPrinter" "Flyway Community Edition 6.5.7 by Redgate"
    alog INFO "com.zaxxer.hikari.HikariDataSource" "HikariPool-1 - Starting..."
    db_call "SELECT 1;"
    st=$?
    if [ $st = 2 ]; then
        alog ERROR "com.zaxxer.hikari.pool.HikariPool" "HikariPool-1 - Exception during pool initialization."
        out "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure"
        out ""
        out "The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server."
        out "	at com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)"
        out "	at com.mysql.cj.jdbc.ConnectionImpl.createNewIO(ConnectionImpl.java:836)"
        out "Caused by: java.net.ConnectException: Connection refused (Connection refused)"
        context_failed "org.flywaydb.core.internal.exception.FlywaySqlException: Unable to obtain connection from database ($DB_URL) for user '$DB_USER': Communications link failure"
        return 1
    elif [ $st = 1 ]; then
        e=$(sql_error)
        alog ERROR "com.zaxxer.hikari.pool.HikariPool" "HikariPool-1 - Exception during pool initialization."
        out "java.sql.SQLException: ${e##*|}"
        context_failed "org.flywaydb.core.internal.exception.FlywaySqlException: Unable to obtain connection from database ($DB_URL) for user '$DB_USER': ${e##*|}"
        return 1
    fi
    alog INFO "com.zaxxer.hikari.HikariDataSource" "HikariPool-1 - Start completed."
    alog INFO "o.f.c.i.database.DatabaseFactory" "Database: $DB_URL (MySQL 5.7)"
    current=
    if db_call 'SELECT `version`, `success` FROM `schema_version`;'; then
        history=1
        current=$(printf '%s\n' "$DB_OUT" | awk -F'\t' '$2 == 1 { print $1 }' | sort -V | tail -n1)
    else
        history=0
        case "$DB_OUT" in
        *"ERROR 1146"*) ;;
        *) e=$(sql_error); context_failed "org.flywaydb.core.internal.exception.FlywaySqlException: Unable to check whether table \`$DB_NAME\`.\`schema_version\` exists: ${e##*|}"; return 1 ;;
        esac
    fi
    files=$(ls "$MIGRATIONS" | grep '^V.*__.*\.sql$' | awk '{ v = $0; sub(/^V/, "", v); sub(/__.*/, "", v); gsub(/_/, ".", v); print v " " $0 }' | sort -V)
    count=$(printf '%s\n' "$files" | grep -c .)
    alog INFO "o.f.core.internal.command.DbValidate" "Successfully validated $count migrations (execution time $(secs $((17 + count * 4))))"
    if [ -n "$current" ] && vlt "$VERSION" "$current"; then
        context_failed "org.flywaydb.core.api.FlywayException: Validate failed: Detected applied migration not resolved locally: $current"
        return 1
    fi
    if [ $history = 0 ]; then
        alog INFO "o.f.c.i.s.JdbcTableSchemaHistory" "Creating Schema History table \`$DB_NAME\`.\`schema_version\` ..."
        if ! db_call 'CREATE TABLE `schema_version` (
  `installed_rank` int(11) NOT NULL,
  `version` varchar(50) DEFAULT NULL,
  `description` varchar(200) NOT NULL,
  `type` varchar(20) NOT NULL,
  `script` varchar(1000) NOT NULL,
  `checksum` int(11) DEFAULT NULL,
  `installed_by` varchar(100) NOT NULL,
  `installed_on` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `execution_time` int(11) NOT NULL,
  `success` tinyint(1) NOT NULL,
  PRIMARY KEY (`installed_rank`),
  KEY `schema_version_s_idx` (`success`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;'; then
            e=$(sql_error)
            context_failed "org.flywaydb.core.internal.exception.FlywaySqlException: Unable to create table \`$DB_NAME\`.\`schema_version\`: ${e##*|}"
            return 1
        fi
    fi
    alog INFO "o.f.core.internal.command.DbMigrate" "Current version of schema \`$DB_NAME\`: ${current:-<< Empty Schema >>}"
    db_call 'SELECT COUNT(*) FROM `schema_version`;'
    rank=$(( $(printf '%s\n' "$DB_OUT" | tail -n1) + 1 ))
    applied=0; total=0; last=
    for entry in $(printf '%s\n' "$files" | tr ' ' '|'); do
        v=${entry%%|*}; f=${entry#*|}
        [ -n "$current" ] && ! vlt "$current" "$v" && continue
        desc=${f#*__}; desc=${desc%.sql}; desc=$(echo "$desc" | tr _ ' ')
        alog INFO "o.f.core.internal.command.DbMigrate" "Migrating schema \`$DB_NAME\` to version \"$v - $desc\""
        t0=$(now_ms)
        sleep 0.1
        sum=$(( 0x$(crc32 < "$MIGRATIONS/$f") % 2147483647 ))
        ms=$(( $(now_ms) - t0 ))
        if ! db_call "$(cat "$MIGRATIONS/$f")
INSERT INTO \`schema_version\` VALUES ($rank,'$v','$desc','SQL','$f',$sum,'$DB_USER','$(date '+%Y-%m-%d %H:%M:%S')',$ms,1);"; then
            e=$(sql_error)
            alog ERROR "o.f.core.internal.command.DbMigrate" "Migration of schema \`$DB_NAME\` to version \"$v - $desc\" failed! Please restore backups and roll back database and code!"
            context_failed "org.flywaydb.core.internal.command.DbMigrate\$FlywayMigrateSqlException: 
Migration $f failed
$(printf '%s' "$f failed" | sed 's/./-/g')-------
SQL State  : $(echo "$e" | cut -d'|' -f2)
Error Code : $(echo "$e" | cut -d'|' -f1)
Message    : ${e##*|}
Location   : db/migration/$f ($CONSOLE/WEB-INF/classes/db/migration/$f)"
            return 1
        fi
        rank=$((rank + 1)); applied=$((applied + 1)); total=$((total + ms)); last=$v
    done
    if [ $applied = 0 ]; then
        alog INFO "o.f.core.internal.command.DbMigrate" "Schema \`$DB_NAME\` is up to date. No migration necessary."
    else
        plural=migrations; [ $applied = 1 ] && plural=migration
        alog INFO "o.f.core.internal.command.DbMigrate" "Successfully applied $applied $plural to schema \`$DB_NAME\`, now at version v$last (execution time $(secs $total))"
    fi
    return 0
}

T0=$(now_ms)
echo "NOTE: Picked up JDK_JAVA_OPTIONS:  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED" >&2
sleep 0.3
L=org.apache.catalina.startup.VersionLoggerListener.log
tlog INFO main "$L Server version name:   Apache Tomcat/9.0.83"
tlog INFO main "$L Server built:          Nov 10 2023 16:16:39 UTC"
tlog INFO main "$L Server version number: 9.0.83.0"
tlog INFO main "$L OS Name:               Linux"
tlog INFO main "$L OS Version:            $(uname -r)"
tlog INFO main "$L Architecture:          amd64"
tlog INFO main "$L Java Home:             /opt/java/openjdk"
tlog INFO main "$L JVM Version:           11.0.21+9"
tlog INFO main "$L JVM Vendor:            Eclipse Adoptium"
tlog INFO main "$L CATALINA_BASE:         $CATALINA_HOME"
tlog INFO main "$L CATALINA_HOME:         $CATALINA_HOME"
for arg in --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
           -Djava.util.logging.config.file=$CATALINA_HOME/conf/logging.properties \
           -Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager -Xms512m -Xmx2048m \
           -Djdk.tls.ephemeralDHKeySize=2048 -Djava.protocol.handler.pkgs=org.apache.catalina.webresources \
           -Dorg.apache.catalina.security.SecurityListener.UMASK=0027 -Dignore.endorsed.dirs= \
           -Dcatalina.base=$CATALINA_HOME -Dcatalina.home=$CATALINA_HOME -Djava.io.tmpdir=$CATALINA_HOME/temp; do
    tlog INFO main "$L Command line argument: $arg"
done
tlog INFO main "org.apache.catalina.core.AprLifecycleListener.lifecycleEvent Loaded Apache Tomcat Native library [1.2.39] using APR version [1.7.2]."
tlog INFO main "org.apache.catalina.core.AprLifecycleListener.lifecycleEvent APR capabilities: IPv6 [true], sendfile [true], accept filters [false], random [true], UDS [true]."
tlog INFO main "org.apache.catalina.core.AprLifecycleListener.initializeSSL OpenSSL successfully initialized [OpenSSL 3.0.11 19 Sep 2023]"
sleep 0.2
tlog INFO main "org.apache.coyote.AbstractProtocol.init Initializing ProtocolHandler [$CONNECTOR]"
tlog INFO main "org.apache.catalina.startup.Catalina.load Server initialization in [$(( $(now_ms) - T0 ))] milliseconds"
tlog INFO main "org.apache.catalina.core.StandardService.startInternal Starting service [Catalina]"
tlog INFO main "org.apache.catalina.core.StandardEngine.startInternal Starting Servlet engine: [Apache Tomcat/9.0.83]"
TD=$(now_ms)
tlog INFO main "org.apache.catalina.startup.HostConfig.deployWAR Deploying web application archive [$WAR]"
rm -rf "$DOCROOT"
mkdir -p "$DOCROOT"
cp -r "$CATALINA_HOME/webapps/ROOT/." "$DOCROOT/"
unzip -q -o "$WAR" -d "$CONSOLE.deploying"
sleep 0.5
tlog INFO main "org.apache.jasper.servlet.TldScanner.scanJars At least one JAR was scanned for TLDs yet contained no TLDs. Enable debug logging for this logger for a complete list of JARs that were scanned but no TLDs were found in them. Skipping unneeded JARs during scanning can improve startup time and JSP compilation time."
alog INFO "c.r.myst.web.MystConsoleInitializer" "Initialising MyST Studio console $VERSION (build $BUILD)"
alog INFO "o.s.web.context.ContextLoader" "Root WebApplicationContext: initialization started"
if migrate; then
    # errorlog [JAR NAME]: a plugin that fails to load, named as its file is (any text: the
    # name of a file someone dropped into the plugins folder).
    FAULT=$(fault start)
    if [ "${FAULT%% *}" = errorlog ]; then
        PLUGIN=${FAULT#errorlog}
        PLUGIN=${PLUGIN# }
        alog ERROR "c.r.myst.plugins.PluginRegistry" "Failed to load plugin [${PLUGIN:-myst-jira-integration-2.4.1.jar}]"
        out "java.lang.IllegalStateException: simulated fault (errorlog): plugin descriptor is missing"
        out "	at com.rubiconred.myst.plugins.PluginRegistry.load(PluginRegistry.java:212)"
        out "	at com.rubiconred.myst.plugins.PluginRegistry.init(PluginRegistry.java:87)"
        tlog SEVERE main "org.apache.catalina.core.StandardContext.filterStart Exception starting filter [pluginFilter]"
        out "java.lang.IllegalStateException: simulated fault (errorlog): plugin descriptor is missing"
    fi
    sleep 0.8
    alog INFO "o.s.web.context.ContextLoader" "Root WebApplicationContext initialized in $(( $(now_ms) - TD )) ms"
    mv "$CONSOLE.deploying" "$CONSOLE"
else
    tlog SEVERE main "org.apache.catalina.core.StandardContext.startInternal One or more listeners failed to start. Full details will be found in the appropriate container log file"
    tlog SEVERE main "org.apache.catalina.core.StandardContext.startInternal Context [/console] startup failed due to previous errors"
    rm -rf "$CONSOLE.deploying"
fi
tlog INFO main "org.apache.catalina.startup.HostConfig.deployWAR Deployment of web application archive [$WAR] has finished in [$(grouped $(( $(now_ms) - TD )))] ms"
tlog INFO main "org.apache.coyote.AbstractProtocol.start Starting ProtocolHandler [$CONNECTOR]"
httpd -f -p 127.0.0.1:8080 -h "$DOCROOT" -c "$CATALINA_HOME/conf/httpd.conf" 2>>"$CATALINA_HOME/logs/httpd.err" &
HTTPD=$!
sleep 0.1
if ! kill -0 "$HTTPD" 2>/dev/null; then
    tlog SEVERE main "org.apache.catalina.core.StandardService.initInternal Failed to initialize connector [Connector[HTTP/1.1-8080]]"
    out "org.apache.catalina.LifecycleException: Protocol handler initialization failed"
    out "Caused by: java.net.BindException: Address already in use"
    exit 1
fi
tlog INFO main "org.apache.catalina.startup.Catalina.start Server startup in [$(( $(now_ms) - T0 ))] milliseconds"
while kill -0 "$HTTPD" 2>/dev/null; do
    wait "$HTTPD"
done
exit 1
