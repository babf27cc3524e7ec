#pragma once

#include "core/ssh/HostSession.h"

#include <QMap>
#include <QStringList>

#include <memory>

// A scripted MyST host for unit tests of the Runner's logic (no sshd): it keeps which image is
// tagged myst-studio, answers the queries the steps make, and runs "scripts" by name with the
// output, exit status and faults a test gives. End-to-end tests use real sshd (tests/hostsim).
class FakeHost : public myst::HostSession
{
public:
    struct Script
    {
        QStringList out;
        QStringList err;
        int exitStatus = 0;
        int drops = 0;              // the connection drops this many times before the script ends
        bool waitForCancel = false; // runs until the run is cancelled
        bool awayAfterDrop = false; // after the drop, the host stays unreachable
        bool restartsHost = false;  // the drop is a restart: a new boot ID, the script gone
    };

    explicit FakeHost(QString id) : m_id(std::move(id)) {}

    // What the test sets up.
    QMap<QString, Script> scripts; // by program name: "pull.sh", "stop.sh", "docker" …
    QString taggedImage = QStringLiteral("sha256:") + QString(64, QLatin1Char('a'));
    QString pulledImage = QStringLiteral("sha256:") + QString(64, QLatin1Char('b'));
    QString lockHolder;    // another wizard's lock line, or empty
    int refuseOpens = 0;   // the next opens fail (host away)
    bool readOnly = false; // blue/green: the database's read_only, as docker exec mysql sets it
    bool readOnlyLeaks = false; // … and yet root's probed write goes through (no lock held)
    QString readOnlyEnded;      // "expired" / "lost": the next release says the window ended early
    QString active;             // blue/green: what .myst-upgrade/active.json says (empty: none)
    QString bootId = QStringLiteral("3f6b0a52-6a7e-4c1e-9d43-0c8e6f1d2a01");
    // A file's size and SHA-256 as the host hashes it (a backup, a copy): the next of
    // `fileShas` each time (a file changed between two looks), then `fileSha`.
    qint64 fileSize = 1234;
    QString fileSha = QString(64, QLatin1Char('d'));
    QStringList fileShas;
    QString copySha; // what a copy from this host streams (empty: fileSha)

    // What a test checks.
    QStringList commands; // every command line run, in order
    QStringList started;  // detached scripts by name, each time one really started
    int opens = 0;

    myst::SshStatus open(const myst::SshAuth&) override;
    bool isConnected() const override { return m_connected; }
    QString id() const override { return m_id; }
    QString lastError() const override { return QStringLiteral("fake"); }
    myst::CapturedOutput capture(const QString& commandLine, qint64) override;
    myst::CommandResult runDetached(myst::DetachedStep& step, const QString& commandLine,
                                    const LineHandler& lines, qint64,
                                    const std::atomic<bool>* cancel) override;
    myst::CommandResult follow(const QString& commandLine, const LineHandler& lines, qint64,
                               const std::atomic<bool>*, const std::function<bool()>&) override;
    myst::UploadResult upload(const QString& localPath, const QString& remoteDirectory,
                              const Progress& progress, const std::atomic<bool>*) override;
    myst::CopyResult copyTo(myst::HostSession& target, const QString& sourcePath,
                            const QString& targetPath, const Progress&,
                            const std::atomic<bool>*) override;

    std::unique_ptr<myst::TunnelStream> openTunnel(const QString&, int, QString* error) override
    {
        *error = QStringLiteral("no console on a scripted host");
        return nullptr;
    }

    QString versionOf(const QString& image) const;

private:
    QString m_id;
    bool m_connected = false;
    QMap<QString, int> m_dropsLeft; // by detached step name
};

// Hands the Runner the FakeHosts a test made, by port (each role gets its own port).
myst::HostSessionFactory fakeHosts(const QMap<int, FakeHost*>& byPort);
