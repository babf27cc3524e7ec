#include "core/ssh/SshConfig.h"

#include "core/base/Validation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace myst {

namespace {

constexpr int MaxIncludeDepth = 8;
constexpr int MaxJumpDepth = 4;
constexpr qint64 MaxConfigBytes = 4 * 1024 * 1024;

// "a b" "c" → [a b, c]: ssh_config's arguments, double quotes group words.
QStringList splitArguments(const QString& text)
{
    QStringList out;
    QString current;
    bool quoted = false, any = false;
    for (const QChar c : text) {
        if (c == QLatin1Char('"')) {
            quoted = !quoted;
            any = true;
        } else if (!quoted && c.isSpace()) {
            if (any)
                out << current;
            current.clear();
            any = false;
        } else {
            current += c;
            any = true;
        }
    }
    if (any)
        out << current;
    return out;
}

// ssh_config's patterns: * any run of characters, ? one; nothing else is special.
bool globMatches(const QString& pattern, const QString& name)
{
    QString re;
    for (const QChar c : pattern) {
        if (c == QLatin1Char('*'))
            re += QStringLiteral(".*");
        else if (c == QLatin1Char('?'))
            re += QLatin1Char('.');
        else
            re += QRegularExpression::escape(QString(c));
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(re),
                              QRegularExpression::CaseInsensitiveOption)
        .match(name)
        .hasMatch();
}

// OpenSSH's rule: a negated pattern that matches rejects the block whatever else matches.
bool hostLineMatches(const QStringList& patterns, const QString& name)
{
    bool positive = false;
    for (const QString& p : patterns) {
        if (p.startsWith(QLatin1Char('!'))) {
            if (globMatches(p.mid(1), name))
                return false;
        } else if (globMatches(p, name)) {
            positive = true;
        }
    }
    return positive;
}

class ConfigReader
{
public:
    ConfigReader(QString name, SshConfigEntry& entry) : m_name(std::move(name)), m_entry(entry) {}

    void readFile(const QString& path, const QString& includeBase, int depth)
    {
        QFile file(expandHome(path));
        if (!file.exists())
            return;
        if (depth > MaxIncludeDepth || !file.open(QIODevice::ReadOnly)) {
            m_entry.notes << QStringLiteral("%1 could not be read").arg(path);
            return;
        }
        bool active = true; // lines before the first Host apply to every host
        const QList<QByteArray> lines = file.read(MaxConfigBytes).split('\n');
        for (const QByteArray& raw : lines) {
            QString line = QString::fromUtf8(raw).trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            static const QRegularExpression keywordEnd(QStringLiteral("[\\s=]"));
            const int end = line.indexOf(keywordEnd);
            const QString keyword = (end < 0 ? line : line.left(end)).toLower();
            QString rest = end < 0 ? QString() : line.mid(end).trimmed();
            if (rest.startsWith(QLatin1Char('=')))
                rest = rest.mid(1).trimmed();
            const QStringList args = splitArguments(rest);
            if (keyword == QLatin1String("host")) {
                active = hostLineMatches(args, m_name);
            } else if (keyword == QLatin1String("match")) {
                active = args.size() == 1 && args.first().toLower() == QLatin1String("all");
                if (!active)
                    m_entry.notes << QStringLiteral("%1: `Match %2` is not read; its settings do "
                                                    "not apply here")
                                         .arg(path, rest);
            } else if (active && keyword == QLatin1String("include")) {
                for (const QString& pattern : args)
                    include(pattern, includeBase, depth);
            } else if (active) {
                apply(keyword, args);
            }
        }
    }

private:
    void include(const QString& pattern, const QString& includeBase, int depth)
    {
        QString path = expandHome(pattern);
        if (QFileInfo(path).isRelative())
            path = expandHome(includeBase) + QLatin1Char('/') + path;
        const QFileInfo info(path);
        const QStringList names =
            QDir(info.absolutePath()).entryList({info.fileName()}, QDir::Files, QDir::Name);
        for (const QString& n : names)
            readFile(info.absolutePath() + QLatin1Char('/') + n, includeBase, depth + 1);
    }

    void apply(const QString& keyword, const QStringList& args)
    {
        if (args.isEmpty())
            return;
        const QString& value = args.first();
        if (keyword == QLatin1String("hostname") && m_entry.hostName.isEmpty()) {
            m_entry.hostName = QString(value)
                                   .replace(QLatin1String("%%"), QStringLiteral("\x01"))
                                   .replace(QLatin1String("%h"), m_name)
                                   .replace(QStringLiteral("\x01"), QStringLiteral("%"));
        } else if (keyword == QLatin1String("port") && m_entry.port == 0) {
            m_entry.port = value.toInt();
        } else if (keyword == QLatin1String("user") && m_entry.user.isEmpty()) {
            m_entry.user = value;
        } else if (keyword == QLatin1String("identityfile")) {
            m_entry.identityFiles << value;
        } else if (keyword == QLatin1String("proxyjump") && m_entry.proxyJump.isEmpty()) {
            m_entry.proxyJump = value;
        } else if (keyword == QLatin1String("hashknownhosts") && !m_entry.hashKnownHosts) {
            m_entry.hashKnownHosts = value.toLower() == QLatin1String("yes");
        }
    }

    QString m_name;
    SshConfigEntry& m_entry;
};

QString expandTokens(QString path, const SshConfigEntry& e, const QString& name)
{
    path = expandHome(path);
    path.replace(QLatin1String("%%"), QStringLiteral("\x01"));
    path.replace(QLatin1String("%d"), QDir::homePath());
    path.replace(QLatin1String("%u"), qEnvironmentVariable("USER"));
    path.replace(QLatin1String("%h"), e.hostName.isEmpty() ? name : e.hostName);
    path.replace(QLatin1String("%r"), e.user);
    return path.replace(QStringLiteral("\x01"), QStringLiteral("%"));
}

SshEndpoint resolveAt(const SshEndpoint& site, const SshConfigFiles& files, QStringList* notes,
                      int depth);

// Hops in the order they are connected: the first one's own jumps come before it, as
// `ssh -J a,b` connects to a as ~/.ssh/config says (ProxyJump included) and to b through a.
std::vector<SshEndpoint> flattenHops(const std::vector<SshEndpoint>& hops,
                                     const SshEndpoint& target, const SshConfigFiles& files,
                                     QStringList* notes, int depth)
{
    std::vector<SshEndpoint> out;
    for (size_t i = 0; i < hops.size(); ++i) {
        SshEndpoint hop = hops[i];
        hop.knownHostsFile = target.knownHostsFile;
        hop.connectTimeoutSeconds = target.connectTimeoutSeconds;
        hop.keepaliveSeconds = target.keepaliveSeconds;
        hop.processConfig = target.processConfig;
        SshEndpoint resolved = resolveAt(hop, files, notes, depth + 1);
        if (i == 0) {
            for (SshEndpoint& inner : resolved.jumps)
                out.push_back(std::move(inner));
        }
        resolved.jumps.clear();
        out.push_back(std::move(resolved));
    }
    return out;
}

SshEndpoint resolveAt(const SshEndpoint& site, const SshConfigFiles& files, QStringList* notes,
                      int depth)
{
    SshEndpoint out = site;
    if (depth > MaxJumpDepth) {
        if (notes)
            *notes << QStringLiteral("ProxyJump nests deeper than %1 levels at %2; the rest is "
                                     "ignored")
                          .arg(MaxJumpDepth)
                          .arg(site.host);
        out.jumps.clear();
        return out;
    }
    if (!site.processConfig) {
        out.jumps = flattenHops(site.jumps, site, files, notes, depth);
        return out;
    }
    const SshConfigEntry e = lookupSshConfig(site.host, files);
    if (notes)
        *notes << e.notes;
    if (!e.hostName.isEmpty())
        out.host = e.hostName;
    if (!site.portSet && e.port > 0 && e.port <= 65535)
        out.port = e.port;
    if (site.user.isEmpty())
        out.user = e.user;
    if (site.identityFile.isEmpty()) {
        for (const QString& file : e.identityFiles) {
            const QString path = expandTokens(file, e, site.host);
            if (QFileInfo::exists(path)) {
                out.identityFile = path;
                break;
            }
        }
    }
    out.hashKnownHosts = e.hashKnownHosts.value_or(false);
    std::vector<SshEndpoint> hops = site.jumps;
    if (hops.empty() && !e.proxyJump.isEmpty()) {
        QString error;
        hops = parseProxyJump(e.proxyJump, &error);
        if (!error.isEmpty() && notes)
            *notes << QStringLiteral("ProxyJump for %1: %2").arg(site.host, error);
    }
    out.jumps = flattenHops(hops, site, files, notes, depth);
    return out;
}

} // namespace

SshConfigEntry lookupSshConfig(const QString& name, const SshConfigFiles& files)
{
    SshConfigEntry entry;
    ConfigReader reader(name, entry);
    reader.readFile(files.user, QStringLiteral("~/.ssh"), 0);
    reader.readFile(files.system, QStringLiteral("/etc/ssh"), 0);
    return entry;
}

QStringList sshConfigAliases(const SshConfigFiles& files)
{
    QFile file(expandHome(files.user));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList aliases;
    static const QRegularExpression hostLine(QStringLiteral("^\\s*host(?:\\s*=\\s*|\\s+)(.*)$"),
                                             QRegularExpression::CaseInsensitiveOption);
    for (const QByteArray& raw : file.read(MaxConfigBytes).split('\n')) {
        const auto m = hostLine.match(QString::fromUtf8(raw));
        if (!m.hasMatch())
            continue;
        for (const QString& p : splitArguments(m.captured(1))) {
            if (!p.contains(QLatin1Char('*')) && !p.contains(QLatin1Char('?')) &&
                !p.startsWith(QLatin1Char('!')) && !aliases.contains(p))
                aliases << p;
        }
    }
    return aliases;
}

std::vector<SshEndpoint> parseProxyJump(const QString& value, QString* error)
{
    std::vector<SshEndpoint> hops;
    if (value.trimmed().toLower() == QLatin1String("none"))
        return hops;
    static const QRegularExpression hopForm(
        QStringLiteral("^(?:ssh://)?(?:([^@:/\\s]+)@)?(\\[[^\\]]+\\]|[^@:/\\s]+)(?::(\\d+))?/?$"));
    for (const QString& part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto m = hopForm.match(part.trimmed());
        SshEndpoint hop;
        if (m.hasMatch()) {
            hop.user = m.captured(1);
            hop.host = m.captured(2);
            if (hop.host.startsWith(QLatin1Char('[')))
                hop.host = hop.host.mid(1, hop.host.size() - 2);
            hop.portSet = !m.captured(3).isEmpty();
            hop.port = hop.portSet ? m.captured(3).toInt() : 22;
        }
        if (!m.hasMatch() || !isValidHostName(hop.host) ||
            (!hop.user.isEmpty() && !isValidUserName(hop.user)) || hop.port < 1 ||
            hop.port > 65535) {
            *error = QStringLiteral("\"%1\" is not [user@]host[:port]").arg(part.trimmed());
            return {};
        }
        hops.push_back(hop);
    }
    return hops;
}

SshEndpoint resolveEndpoint(const SshEndpoint& site, const SshConfigFiles& files,
                            QStringList* notes)
{
    return resolveAt(site, files, notes, 0);
}

QString describeRoute(const SshEndpoint& resolved)
{
    auto one = [](const SshEndpoint& e) {
        return QStringLiteral("%1%2:%3")
            .arg(e.user.isEmpty() ? QString() : e.user + QLatin1Char('@'), e.host)
            .arg(e.port);
    };
    QString text = one(resolved);
    QStringList via;
    for (const SshEndpoint& hop : resolved.jumps)
        via << one(hop);
    if (!via.isEmpty())
        text += QStringLiteral(" via ") + via.join(QStringLiteral(", then "));
    return text;
}

} // namespace myst
