#pragma once

#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

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
StartupLogResult checkStartupLog(HostSession& host, const QString& outputLogsScript,
                                 const RunSettings& settings,
                                 const RemoteCommand::LineHandler& forward,
                                 const std::atomic<bool>* cancel);

struct ConsoleResult
{
    bool ok = false;
    QString version;
    QString message;
};

// The guide's "console shows the version": fetches the console page over HTTP(S) with
// QtNetwork and reads the version with the configured pattern. Retries until the timeout,
// since the console comes up a little after start.sh returns. Blocking: call it on a worker
// thread (it runs a private event loop there, never on the GUI thread).
ConsoleResult readConsoleVersion(const QUrl& url, const RunSettings& settings,
                                 const std::atomic<bool>* cancel);

} // namespace myst
