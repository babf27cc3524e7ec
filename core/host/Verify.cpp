#include "core/host/Verify.h"

#include "core/host/ConsoleClient.h"
#include "core/host/LogTimestamps.h"

#include "core/base/ShellQuote.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>

#include "core/host/OutputParsers.h"

namespace myst {

namespace {
constexpr int MaxErrorLinesKept = 20;

} // namespace

StartupLogResult checkStartupLog(HostSession& host, const QString& outputLogsScript,
                                 const RunSettings& settings, const BootWindow& boot,
                                 const RemoteCommand::LineHandler& forward,
                                 const std::atomic<bool>* cancel)
{
    StartupLogResult out;
    const QRegularExpression marker(QRegularExpression::escape(TomcatStartupMarker) +
                                    QStringLiteral("|(?:") + settings.startupMarker +
                                    QLatin1Char(')'));
    const QRegularExpression errors(settings.errorPattern);
    int errorCount = 0;
    int earlier = 0; // lines of earlier boots, replayed by docker logs -f
    QString lastLine;
    LogClock clock; // dates the application's time-only lines from Tomcat's dated ones
    const auto lines = [&](OutputStream stream, const QString& line) {
        if (isBeforeBoot(clock.stamp(line), boot.startedUtc, boot.hostUtcOffsetSeconds)) {
            ++earlier;
            return;
        }
        if (earlier > 0) {
            forward(OutputStream::Stdout,
                    QStringLiteral("[wizard] %1 line(s) of earlier boots skipped").arg(earlier));
            earlier = 0;
        }
        forward(stream, line);
        if (!line.trimmed().isEmpty())
            lastLine = line.trimmed().left(300);
        if (errors.match(line).hasMatch() && ++errorCount <= MaxErrorLinesKept) {
            out.errorLines << line.left(1000);
        }
        if (marker.match(line).hasMatch()) {
            out.markerSeen = true;
        }
    };
    const CommandResult result = host.follow(hostCommandLine({outputLogsScript}), lines,
                                             qint64(settings.startupTimeoutSeconds) * 1000, cancel,
                                             [&out] { return out.markerSeen; });
    const QString seen = lastLine.isEmpty() ? QStringLiteral("nothing of this boot was logged")
                                            : QStringLiteral("the last line was: %1").arg(lastLine);
    if (cancel && cancel->load()) {
        out.message = QStringLiteral("Cancelled while reading the start-up log");
    } else if (!out.errorLines.isEmpty()) {
        out.message = QStringLiteral("The start-up log has %1 error line(s); the first: %2")
                          .arg(errorCount)
                          .arg(out.errorLines.first().trimmed());
    } else if (result.error != SshError::None) {
        out.message = result.errorMessage;
    } else if (!out.markerSeen) {
        out.message =
            result.timedOut
                ? QStringLiteral("MyST Studio did not report start-up (\"%1\" or \"%2\") within "
                                 "%3 s; %4")
                      .arg(TomcatStartupMarker, settings.startupMarker)
                      .arg(settings.startupTimeoutSeconds)
                      .arg(seen)
                : QStringLiteral("output-logs.sh ended (%1) before start-up completed; %2")
                      .arg(result.describe(), seen);
    } else {
        out.ok = true;
        out.message = QStringLiteral("Start-up log clean");
    }
    return out;
}

ConsoleResult readConsoleVersion(HostSession& session, const SiteHost& host,
                                 const RunSettings& settings, const std::atomic<bool>* cancel)
{
    ConsoleResult out;
    const QUrl& url = host.consoleUrl;
    if (url.isEmpty()) {
        out.message = QStringLiteral("No console URL is configured for this host");
        return out;
    }
    QElapsedTimer clock;
    clock.start();
    const qint64 deadline = qint64(settings.consoleTimeoutSeconds) * 1000;
    QString lastError;
    while (!(cancel && cancel->load())) {
        const ConsolePage page = fetchConsolePage(session, url, host.consoleCertSha256, 5000);
        out.answeredWithoutVersion = page.ok;
        if (page.ok) {
            out.version =
                parseConsoleVersion(QString::fromUtf8(page.body), settings.consoleVersionPattern);
            if (!out.version.isEmpty()) {
                out.ok = true;
                out.message = QStringLiteral("The console at %1 shows MyST Studio %2")
                                  .arg(url.toString(), out.version);
                return out;
            }
            lastError = QStringLiteral("no version found in the page (pattern %1)")
                            .arg(settings.consoleVersionPattern);
        } else if (page.untrustedCertificate) {
            out.untrustedCertificate = true;
            out.certificateSha256 = page.certificateSha256;
            out.message = QStringLiteral("Cannot trust the console at %1: %2. If it is your "
                                         "console's, pin it in the site file's host: "
                                         "\"consoleCertSha256\": \"%3\"")
                              .arg(url.toString(), page.error, page.certificateSha256);
            return out;
        } else {
            lastError = page.error;
        }
        if (clock.elapsed() >= deadline) {
            break;
        }
        QThread::msleep(500);
    }
    out.message = QStringLiteral("Cannot read the version from the console at %1: %2")
                      .arg(url.toString(), lastError);
    return out;
}

} // namespace myst
