#include "core/site/Site.h"
#include "core/journal/RunNames.h"

#include "core/base/Platform.h"
#include "core/base/Validation.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

namespace myst {

namespace {

void readSettings(const QJsonObject& json, RunSettings& s, QStringList* errors)
{
    auto positive = [&](const char* key, int& out) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined()) {
            return;
        }
        if (!v.isDouble() || v.toDouble() <= 0) {
            *errors
                << QStringLiteral("settings.%1 must be a positive number").arg(QLatin1String(key));
            return;
        }
        out = v.toInt();
    };
    auto pattern = [&](const char* key, QString& out) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined()) {
            return;
        }
        if (!QRegularExpression(v.toString()).isValid() || v.toString().isEmpty()) {
            *errors << QStringLiteral("settings.%1 is not a valid regular expression")
                           .arg(QLatin1String(key));
            return;
        }
        out = v.toString();
    };
    positive("stepTimeoutSeconds", s.stepTimeoutSeconds);
    // A site that sets stepTimeoutSeconds (as sites did before there were kinds) means it for
    // every kind it does not set itself.
    if (json.contains(QLatin1String("stepTimeoutSeconds"))) {
        s.pullTimeoutSeconds = s.backupTimeoutSeconds = s.startTimeoutSeconds =
            s.restoreTimeoutSeconds = s.stepTimeoutSeconds;
    }
    positive("pullTimeoutSeconds", s.pullTimeoutSeconds);
    positive("backupTimeoutSeconds", s.backupTimeoutSeconds);
    positive("startTimeoutSeconds", s.startTimeoutSeconds);
    positive("restoreTimeoutSeconds", s.restoreTimeoutSeconds);
    positive("startupTimeoutSeconds", s.startupTimeoutSeconds);
    positive("consoleTimeoutSeconds", s.consoleTimeoutSeconds);
    positive("reconnectSeconds", s.reconnectSeconds);
    positive("keepRuns", s.keepRuns);
    positive("stepLogMegabytes", s.stepLogMegabytes);
    const QJsonValue keepalive = json.value(QLatin1String("sshKeepaliveSeconds"));
    if (!keepalive.isUndefined()) {
        if (!keepalive.isDouble() || keepalive.toDouble() < 0)
            *errors << QStringLiteral("settings.sshKeepaliveSeconds must be 0 (off) or a "
                                      "positive number");
        else
            s.sshKeepaliveSeconds = keepalive.toInt();
    }
    int minFree = static_cast<int>(s.minFreeMegabytes);
    positive("minFreeMegabytes", minFree);
    s.minFreeMegabytes = minFree;
    pattern("startupMarker", s.startupMarker);
    pattern("errorPattern", s.errorPattern);
    pattern("consoleVersionPattern", s.consoleVersionPattern);
}

// Over the file's own settings: what differs from the defaults is written, a default is left
// out, so that a site file saved by the wizard stays short and a later release's better default
// still reaches it. Keys this version does not know stay as they were.
QJsonObject writeSettings(QJsonObject o, const RunSettings& s)
{
    const RunSettings d;
    auto put = [&](const char* key, const auto& value, const auto& fallback) {
        o.remove(QLatin1String(key));
        if (value != fallback)
            o.insert(QLatin1String(key), value);
    };
    put("stepTimeoutSeconds", s.stepTimeoutSeconds, d.stepTimeoutSeconds);
    put("pullTimeoutSeconds", s.pullTimeoutSeconds, d.pullTimeoutSeconds);
    put("backupTimeoutSeconds", s.backupTimeoutSeconds, d.backupTimeoutSeconds);
    put("startTimeoutSeconds", s.startTimeoutSeconds, d.startTimeoutSeconds);
    put("restoreTimeoutSeconds", s.restoreTimeoutSeconds, d.restoreTimeoutSeconds);
    put("startupTimeoutSeconds", s.startupTimeoutSeconds, d.startupTimeoutSeconds);
    put("consoleTimeoutSeconds", s.consoleTimeoutSeconds, d.consoleTimeoutSeconds);
    put("reconnectSeconds", s.reconnectSeconds, d.reconnectSeconds);
    put("keepRuns", s.keepRuns, d.keepRuns);
    put("stepLogMegabytes", s.stepLogMegabytes, d.stepLogMegabytes);
    put("minFreeMegabytes", s.minFreeMegabytes, d.minFreeMegabytes);
    put("sshKeepaliveSeconds", s.sshKeepaliveSeconds, d.sshKeepaliveSeconds);
    put("startupMarker", s.startupMarker, d.startupMarker);
    put("errorPattern", s.errorPattern, d.errorPattern);
    put("consoleVersionPattern", s.consoleVersionPattern, d.consoleVersionPattern);
    return o;
}

// Sets key to value, or removes it when the value is its "not set" form.
void setOrRemove(QJsonObject& o, const char* key, const QJsonValue& value, bool set)
{
    if (set)
        o.insert(QLatin1String(key), value);
    else
        o.remove(QLatin1String(key));
}

// host, port, user, identity: the fields a MyST host and a jump host share.
SshEndpoint readEndpoint(const QJsonObject& h, const QString& where, QStringList* errors)
{
    SshEndpoint e;
    e.host = h.value(QStringLiteral("host")).toString();
    if (!isValidHostName(e.host)) {
        *errors
            << QStringLiteral("%1.host \"%2\" is not a host name or address").arg(where, e.host);
    }
    const QJsonValue port = h.value(QStringLiteral("port"));
    if (port.isUndefined()) {
        e.port = 22;
        e.portSet = false; // ~/.ssh/config's Port may apply
    } else if (!port.isDouble() || port.toDouble() != port.toInt() || port.toInt() < 1 ||
               port.toInt() > 65535) {
        *errors << QStringLiteral("%1.port must be a whole number from 1 to 65535").arg(where);
    } else {
        e.port = port.toInt();
    }
    e.user = h.value(QStringLiteral("user")).toString();
    if (!e.user.isEmpty() && !isValidUserName(e.user)) {
        *errors << QStringLiteral("%1.user \"%2\" is not a valid user name").arg(where, e.user);
    }
    e.identityFile = h.value(QStringLiteral("identity")).toString();
    if (!e.identityFile.isEmpty() && !QFileInfo::exists(expandHome(e.identityFile))) {
        *errors << QStringLiteral("%1.identity: the key file %2 does not exist")
                       .arg(where, e.identityFile);
    }
    return e;
}

QString readAuth(const QJsonObject& h, const SshEndpoint& e, const QString& where,
                 QStringList* errors)
{
    const QString auth =
        h.value(QStringLiteral("auth"))
            .toString(e.identityFile.isEmpty() ? QStringLiteral("agent") : QStringLiteral("key"));
    if (auth != AuthMethod::Agent && auth != AuthMethod::Key && auth != AuthMethod::Password) {
        *errors << QStringLiteral("%1.auth must be agent, key or password").arg(where);
    }
    return auth;
}

// "jump": one host, or a list of them, outermost first.
QList<SiteJump> readJumps(const QJsonValue& value, const QString& where, QStringList* errors)
{
    QList<SiteJump> jumps;
    if (value.isUndefined() || value.isNull())
        return jumps;
    const QJsonArray list = value.isArray() ? value.toArray() : QJsonArray{value};
    for (int i = 0; i < list.size(); ++i) {
        const QString at = list.size() == 1 && !value.isArray()
                               ? where + QStringLiteral(".jump")
                               : QStringLiteral("%1.jump[%2]").arg(where).arg(i);
        if (!list.at(i).isObject()) {
            *errors << QStringLiteral("%1 must be an object with host, port, user, auth").arg(at);
            continue;
        }
        SiteJump jump;
        jump.endpoint = readEndpoint(list.at(i).toObject(), at, errors);
        jump.auth = readAuth(list.at(i).toObject(), jump.endpoint, at, errors);
        jumps << jump;
    }
    return jumps;
}

// An optional folder on the host (imageDirectory, backupDirectory): absolute, plain
// characters, without a trailing slash.
QString optionalFolder(const QJsonObject& h, const QString& key, const QString& where,
                       QStringList* errors)
{
    QString folder = h.value(key).toString();
    while (folder.size() > 1 && folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    if (!folder.isEmpty() && (!isSafeAbsolutePath(folder) || folder == QLatin1String("/")))
        *errors << QStringLiteral("%1.%2 \"%3\" must be an absolute path of plain characters, "
                                  "not /")
                       .arg(where, key, folder);
    return folder;
}

} // namespace

Site Site::load(const QString& path, QStringList* errors)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errors << QStringLiteral("Cannot read the site file %1: %2").arg(path, file.errorString());
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *errors << QStringLiteral("The site file %1 is not valid JSON: %2 (at offset %3)")
                       .arg(path, parseError.errorString())
                       .arg(parseError.offset);
        return {};
    }
    return fromJson(doc.object(), path, errors);
}

Site Site::fromJson(const QJsonObject& json, const QString& path, QStringList* errors)
{
    Site site;
    site.path = path;
    site.source = json;
    site.knownHostsFile =
        json.value(QStringLiteral("knownHosts")).toString(QStringLiteral("~/.ssh/known_hosts"));
    const QJsonObject hosts = json.value(QStringLiteral("hosts")).toObject();
    if (hosts.isEmpty()) {
        *errors << QStringLiteral("The site file names no hosts (\"hosts\": {\"prod\": {…}})");
    }
    for (auto it = hosts.begin(); it != hosts.end(); ++it) {
        const QString role = it.key();
        const QJsonObject h = it.value().toObject();
        const QString where = QStringLiteral("hosts.%1").arg(role);
        SiteHost host;
        host.role = role;
        if (!isValidRoleName(role)) {
            *errors << QStringLiteral("%1: a role name is lower-case letters, digits, - and _")
                           .arg(where);
        }
        host.endpoint = readEndpoint(h, where, errors);
        host.endpoint.knownHostsFile = site.knownHostsFile;
        host.endpoint.processConfig = h.value(QStringLiteral("useSshConfig")).toBool(false);
        host.jumps = readJumps(h.value(QStringLiteral("jump")), where, errors);
        for (SiteJump& jump : host.jumps) {
            jump.endpoint.knownHostsFile = site.knownHostsFile;
            jump.endpoint.processConfig = host.endpoint.processConfig;
            host.endpoint.jumps.push_back(jump.endpoint);
        }
        host.mystHome =
            h.value(QStringLiteral("mystHome")).toString(QStringLiteral("/opt/myst-studio"));
        while (host.mystHome.size() > 1 && host.mystHome.endsWith(QLatin1Char('/'))) {
            host.mystHome.chop(1);
        }
        if (!isSafeAbsolutePath(host.mystHome)) {
            *errors << QStringLiteral(
                           "%1.mystHome \"%2\" must be an absolute path of plain characters")
                           .arg(where, host.mystHome);
        }
        host.imageDirectory = optionalFolder(h, QStringLiteral("imageDirectory"), where, errors);
        host.backupDirectory = optionalFolder(h, QStringLiteral("backupDirectory"), where, errors);
        const QString url = h.value(QStringLiteral("consoleUrl")).toString();
        if (!url.isEmpty()) {
            host.consoleUrl = QUrl(url, QUrl::StrictMode);
            if (!host.consoleUrl.isValid() ||
                (host.consoleUrl.scheme() != QLatin1String("http") &&
                 host.consoleUrl.scheme() != QLatin1String("https"))) {
                *errors << QStringLiteral("%1.consoleUrl must be an http(s) URL").arg(where);
            }
        }
        const QString pin = h.value(QStringLiteral("consoleCertSha256")).toString();
        if (!pin.isEmpty()) {
            host.consoleCertSha256 = normalizedSha256Fingerprint(pin);
            if (host.consoleCertSha256.isEmpty()) {
                *errors << QStringLiteral("%1.consoleCertSha256 must be a SHA-256 fingerprint "
                                          "(64 hex digits, colons optional), as openssl x509 "
                                          "-noout -fingerprint -sha256 prints it")
                               .arg(where);
            }
        }
        host.sudo = h.value(QStringLiteral("sudo")).toBool(false);
        host.auth = readAuth(h, host.endpoint, where, errors);
        site.hosts.insert(role, host);
    }
    readSettings(json.value(QStringLiteral("settings")).toObject(), site.settings, errors);
    site.blueGreen = BlueGreen::fromJson(json.value(QStringLiteral("blueGreen")), errors);
    if (site.blueGreen.set && !(site.hosts.contains(QStringLiteral("blue")) &&
                                site.hosts.contains(QStringLiteral("green"))))
        *errors << QStringLiteral("blueGreen needs hosts \"blue\" and \"green\" (the site has: %1)")
                       .arg(site.hosts.keys().join(QStringLiteral(", ")));
    for (SiteHost& host : site.hosts) {
        host.endpoint.keepaliveSeconds = site.settings.sshKeepaliveSeconds;
        for (SshEndpoint& jump : host.endpoint.jumps)
            jump.keepaliveSeconds = site.settings.sshKeepaliveSeconds;
    }
    return site;
}

QJsonObject Site::toJson() const
{
    QJsonObject json = source;
    const QJsonObject sourceHosts = source.value(QStringLiteral("hosts")).toObject();
    QJsonObject hostsJson;
    for (const SiteHost& h : hosts) {
        QJsonObject o = sourceHosts.value(h.role).toObject();
        o.insert(QStringLiteral("host"), h.endpoint.host);
        // A port the site never named stays unnamed, so ~/.ssh/config's Port keeps applying.
        setOrRemove(o, "port", h.endpoint.port, h.endpoint.portSet || h.endpoint.port != 22);
        o.insert(QStringLiteral("user"), h.endpoint.user);
        o.insert(QStringLiteral("mystHome"), h.mystHome);
        o.insert(QStringLiteral("auth"), h.auth);
        setOrRemove(o, "identity", h.endpoint.identityFile, !h.endpoint.identityFile.isEmpty());
        setOrRemove(o, "consoleUrl", h.consoleUrl.toString(), !h.consoleUrl.isEmpty());
        setOrRemove(o, "consoleCertSha256", h.consoleCertSha256, !h.consoleCertSha256.isEmpty());
        setOrRemove(o, "useSshConfig", true, h.endpoint.processConfig);
        setOrRemove(o, "sudo", true, h.sudo);
        setOrRemove(o, "imageDirectory", h.imageDirectory, !h.imageDirectory.isEmpty());
        setOrRemove(o, "backupDirectory", h.backupDirectory, !h.backupDirectory.isEmpty());
        hostsJson.insert(h.role, o);
    }
    json.insert(QStringLiteral("knownHosts"), knownHostsFile);
    json.insert(QStringLiteral("hosts"), hostsJson);
    const QJsonObject settingsJson =
        writeSettings(source.value(QStringLiteral("settings")).toObject(), settings);
    setOrRemove(json, "settings", settingsJson, !settingsJson.isEmpty());
    if (blueGreen.set)
        json.insert(QStringLiteral("blueGreen"),
                    blueGreen.toJson(source.value(QStringLiteral("blueGreen")).toObject()));
    return json;
}

bool Site::save(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner); // names hosts and key files
    file.write(QJsonDocument(toJson()).toJson());
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    // Windows: Qt's permissions above only toggle read-only; the file may be anywhere.
    platform::makePrivate(path);
    return true;
}

int RunSettings::timeoutFor(const QString& stepId, QString* setting) const
{
    const QString id = stepId.startsWith(QLatin1String("nonprod-")) ? stepId.mid(8) : stepId;
    struct Kind
    {
        QStringList ids;
        const char* name;
        int seconds;
    };
    const Kind kinds[] = {
        {{QStringLiteral("pull"), QStringLiteral("load")},
         "pullTimeoutSeconds",
         pullTimeoutSeconds},
        {{QStringLiteral("backup"), QStringLiteral("backup-for-copy")},
         "backupTimeoutSeconds",
         backupTimeoutSeconds},
        {{QStringLiteral("start"), QStringLiteral("restart")},
         "startTimeoutSeconds",
         startTimeoutSeconds},
        {{QStringLiteral("restore"), QStringLiteral("restore-copy")},
         "restoreTimeoutSeconds",
         restoreTimeoutSeconds},
    };
    for (const Kind& k : kinds) {
        if (k.ids.contains(id)) {
            if (setting)
                *setting = QLatin1String(k.name);
            return k.seconds;
        }
    }
    if (setting)
        *setting = QStringLiteral("stepTimeoutSeconds");
    return stepTimeoutSeconds;
}

QString Site::defaultRole() const
{
    if (hosts.contains(QStringLiteral("prod"))) {
        return QStringLiteral("prod");
    }
    return hosts.size() == 1 ? hosts.firstKey() : QString();
}

} // namespace myst
