#include "HostSim.h"

#include "TestConfig.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>

HostSim::HostSim(const QStringList& roles, const QString& version)
{
    QProcess up;
    up.start(QStringLiteral(MYST_HOSTSIM),
             {QStringLiteral("up"), m_dir.path(), QStringLiteral("--roles"), roles.join(','),
              QStringLiteral("--version"), version});
    if (!up.waitForFinished(60000) || up.exitCode() != 0) {
        m_error = QString::fromUtf8(up.readAllStandardError());
        return;
    }
    QFile file(siteFile());
    file.open(QIODevice::ReadOnly);
    m_site = QJsonDocument::fromJson(file.readAll()).object();
    m_up = !m_site.isEmpty();
}

HostSim::~HostSim()
{
    QProcess::execute(QStringLiteral(MYST_HOSTSIM), {QStringLiteral("down"), m_dir.path()});
}

QJsonObject HostSim::host(const QString& role) const
{
    return m_site.value(QStringLiteral("hosts")).toObject().value(role).toObject();
}

QString HostSim::mystHome(const QString& role) const
{
    return host(role).value(QStringLiteral("mystHome")).toString();
}

myst::SshEndpoint HostSim::endpoint(const QString& role) const
{
    const QJsonObject h = host(role);
    myst::SshEndpoint e;
    e.host = h.value(QStringLiteral("host")).toString();
    e.port = h.value(QStringLiteral("port")).toInt();
    e.user = h.value(QStringLiteral("user")).toString();
    e.identityFile = h.value(QStringLiteral("identity")).toString();
    e.knownHostsFile = m_site.value(QStringLiteral("knownHosts")).toString();
    return e;
}

QString HostSim::sh(const QString& command, int* exitCode)
{
    QProcess p;
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
    p.waitForFinished(60000);
    if (exitCode) {
        *exitCode = p.exitCode();
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

QByteArray HostSim::readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString HostSim::taggedImageId(const QString& role) const
{
    return sh(QStringLiteral("MYST_HOME='%1' '%2/../fakebin/docker' image inspect myst-studio "
                             "--format '{{.Id}}'")
                  .arg(mystHome(role), mystHome(role)))
        .trimmed();
}

QString HostSim::databaseDump(const QString& role) const
{
    return sh(QStringLiteral("sqlite3 '%1/data/myst.db' .dump").arg(mystHome(role)));
}

QString HostSim::schemaVersion(const QString& role) const
{
    return sh(QStringLiteral("sqlite3 '%1/data/myst.db' 'SELECT version FROM schema_version'")
                  .arg(mystHome(role)))
        .trimmed();
}

void HostSim::setFault(const QString& role, const QString& script, const QString& fault) const
{
    QFile file(mystHome(role) + QStringLiteral("/faults/") + script);
    if (fault.isEmpty()) {
        file.remove();
        return;
    }
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write(fault.toUtf8() + '\n');
}
