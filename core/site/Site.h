#pragma once

#include "core/site/BlueGreen.h"
#include "core/ssh/SshEndpoint.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <QUrl>

namespace myst {

// A jump host on the way to a MyST host ("jump" in the site file). No secrets.
struct SiteJump
{
    SshEndpoint endpoint;
    QString auth = QStringLiteral("agent"); // as SiteHost::auth
};

// One MyST host of a site, as the site file names it. No secrets.
struct SiteHost
{
    QString role;
    SshEndpoint endpoint;
    QString mystHome;
    QUrl consoleUrl; // as the MyST host sees it: fetched through the host's SSH session
    // The console's TLS certificate, pinned ("AB:CD:…", SHA-256), for a self-signed one.
    QString consoleCertSha256;
    bool sudo = false;
    // How to authenticate: "agent", "key" (identity, maybe with a passphrase) or "password".
    // Secrets live in the keychain under endpoint.id(), never here.
    QString auth = QStringLiteral("key");
    // The site's jump hosts, outermost first (also in endpoint.jumps, which connects with
    // them). Empty: none, or ProxyJump from ~/.ssh/config with useSshConfig.
    QList<SiteJump> jumps;

    QString script(const QString& name) const { return mystHome + QStringLiteral("/bin/") + name; }
    // Where offline image archives are uploaded: "imageDirectory", else <MyST home>/images.
    QString imageDirectory;
    QString imagesPath() const
    {
        return imageDirectory.isEmpty() ? mystHome + QStringLiteral("/images") : imageDirectory;
    }
    // Where backup-database.sh writes its dumps: "backupDirectory" (a site whose script was
    // changed to write elsewhere), else <MyST home>/backup as the guide says. Only a backup
    // right in this folder is ever restored: a record or a script's line is host text.
    QString backupDirectory;
    QString backupFolder() const
    {
        return backupDirectory.isEmpty() ? mystHome + QStringLiteral("/backup") : backupDirectory;
    }
};

// Settings that tune a run; each has a default and may be set in the site file's "settings".
struct RunSettings
{
    int stepTimeoutSeconds = 1800; // a step with no timeout of its own kind below
    // A real pull of a multi-GB image, a large database's backup or restore, and a Tomcat
    // that deploys for minutes: each kind of step has its own limit.
    int pullTimeoutSeconds = 3600;
    int backupTimeoutSeconds = 3600;
    int startTimeoutSeconds = 1200;
    int restoreTimeoutSeconds = 3600;
    int startupTimeoutSeconds = 300; // how long verify follows output-logs.sh for the marker
    int consoleTimeoutSeconds = 15;
    QString startupMarker = QStringLiteral("MyST Studio started");
    QString errorPattern = QStringLiteral("\\b(ERROR|SEVERE|FATAL)\\b|Exception\\b");
    QString consoleVersionPattern = QStringLiteral("MyST Studio\\s+v?([0-9][0-9A-Za-z._-]*)");
    qint64 minFreeMegabytes = 1024;
    // How long a run keeps trying to reconnect to a host after a dropped connection before it
    // stops (the step goes on on the host; `resume` picks it up later).
    int reconnectSeconds = 300;
    // A successful run removes from its hosts what older runs left (their step folders under
    // .myst-upgrade/runs, archives they uploaded) beyond what the newest keepRuns runs need.
    int keepRuns = 3;
    // A step's log on this computer is cut at this size: the older half is kept as .log.1,
    // and the log says how much output was left out.
    int stepLogMegabytes = 64;
    // keepalive@openssh.com after this many quiet seconds on every SSH session (0: off).
    int sshKeepaliveSeconds = 30;

    // The limit for a step, by its id ("pull", "nonprod-backup", "restore-copy", …), and the
    // setting that sets it, for the message when it runs out.
    int timeoutFor(const QString& stepId, QString* setting = nullptr) const;
};

// The site file of DESIGN §2: which hosts play which role. Parsed strictly; every problem is
// reported at once so the user can fix the file in one go.
struct Site
{
    QString path;
    // The file as read: fields this version does not know (and hosts no page shows) are
    // written back unchanged by save(), so that the wizard never drops what it does not edit.
    QJsonObject source;
    QString knownHostsFile;
    QMap<QString, SiteHost> hosts;
    RunSettings settings;
    BlueGreen blueGreen; // "blueGreen": the zero-downtime approach's two instances

    static Site load(const QString& path, QStringList* errors);
    static Site fromJson(const QJsonObject& json, const QString& path, QStringList* errors);
    QJsonObject toJson() const; // source, with every field this version knows as it is now
    bool save(const QString& path, QString* error) const; // atomically, 0600

    // The host a single-host approach works on: "prod" if the site has it, else its only host.
    QString defaultRole() const;
};

} // namespace myst
