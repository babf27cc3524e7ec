#pragma once

#include "core/ssh/SshEndpoint.h"

#include <QJsonObject>
#include <QStringList>
#include <QTemporaryDir>

// Starts simulated MyST hosts (tests/hostsim/hostsim: a real sshd per role) in a temporary
// folder for the lifetime of the object, and stops them by PID afterwards.
class HostSim
{
public:
    explicit HostSim(const QStringList& roles = {QStringLiteral("prod")},
                     const QString& version = QStringLiteral("1.0.0"));
    ~HostSim();

    bool isUp() const { return m_up; }
    QString error() const { return m_error; }
    QString dir() const { return m_dir.path(); }
    QString siteFile() const { return m_dir.filePath(QStringLiteral("site.json")); }
    QJsonObject site() const { return m_site; }
    QJsonObject host(const QString& role) const;
    QString mystHome(const QString& role) const;
    myst::SshEndpoint endpoint(const QString& role) const;

    // Runs a local shell command (the simulated hosts' files are local) and returns stdout.
    static QString sh(const QString& command, int* exitCode = nullptr);
    // The bytes of a file (empty when unreadable): the hosts' files are local.
    static QByteArray readFile(const QString& path);
    // What a user would check on the host, read from its files.
    QString taggedImageId(const QString& role) const;
    QString databaseDump(const QString& role) const;
    QString schemaVersion(const QString& role) const;
    void setFault(const QString& role, const QString& script, const QString& fault) const;

private:
    QTemporaryDir m_dir;
    QJsonObject m_site;
    bool m_up = false;
    QString m_error;
};
