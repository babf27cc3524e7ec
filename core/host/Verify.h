#pragma once

#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QDateTime>
#include <QUrl>

#include <atomic>

namespace myst {

struct StartupLogResult
{
    bool ok = false;
    bool markerSeen = false;
    QStringList errorLines;
    QString message;
};

// The guide's "no errors in the start-up log": follows output-logs.sh (which never ends by
// itself) until the start-up marker appears or the timeout passes, then stops it. Fails on
// any line matching the error pattern, naming the line.
// The boot verify reads: the host's clock when the step that (re)started MyST Studio began,
// and the host's UTC offset; lines older than that are earlier boots that `docker logs -f`
// replays. Unknown (invalid) when no step of this run started the service.
struct BootWindow
{
    QDateTime startedUtc;
    int hostUtcOffsetSeconds = 0;
};

// Tomcat's own "Server startup in" line marks the end of start-up, as does the configured
// marker (settings.startupMarker), in the current boot only.
inline const QString TomcatStartupMarker = QStringLiteral("Server startup in");

StartupLogResult checkStartupLog(HostSession& host, const QString& outputLogsScript,
                                 const RunSettings& settings, const BootWindow& boot,
                                 const RemoteCommand::LineHandler& forward,
                                 const std::atomic<bool>* cancel);

struct ConsoleResult
{
    bool ok = false;
    QString version;
    QString message;
    // The console's certificate is not trusted: its fingerprint, for the operator to pin.
    bool untrustedCertificate = false;
    QString certificateSha256;
    // The console answered, but its page showed no version: a judgement (an operator may know
    // the page changed), where no answer at all is a fact.
    bool answeredWithoutVersion = false;
};

// The guide's "console shows the version": the host's console page, fetched through its SSH
// session (ConsoleClient), the version read with the configured pattern. Retries until the
// timeout, since the console comes up a little after start.sh returns; an untrusted
// certificate is not retried. Blocking: call it on the connection's worker thread.
ConsoleResult readConsoleVersion(HostSession& session, const SiteHost& host,
                                 const RunSettings& settings, const std::atomic<bool>* cancel);

} // namespace myst
