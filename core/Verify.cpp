#include "Verify.h"

#include "ShellQuote.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include "OutputParsers.h"

namespace myst {

StartupLogResult checkStartupLog(SshConnection& connection, const QString& outputLogsScript,
                                 const RunSettings& settings,
                                 const RemoteCommand::LineHandler& forward,
                                 const std::atomic<bool>* cancel)
{
    StartupLogResult out;
    const QRegularExpression marker(settings.startupMarker);
    const QRegularExpression errors(settings.errorPattern);
    RemoteCommand command(connection, shellCommand({outputLogsScript}));
    command.setTimeoutMs(qint64(settings.startupTimeoutSeconds) * 1000);
    command.setCancelFlag(cancel);
    command.setStopWhen([&out] { return out.markerSeen; });
    command.setLineHandler([&](OutputStream stream, const QString& line) {
        forward(stream, line);
        if (errors.match(line).hasMatch()) {
            out.errorLines << line;
        }
        if (marker.match(line).hasMatch()) {
            out.markerSeen = true;
        }
    });
    const CommandResult result = command.run();
    if (cancel && cancel->load()) {
        out.message = QStringLiteral("Cancelled while reading the start-up log");
    } else if (!out.errorLines.isEmpty()) {
        out.message = QStringLiteral("The start-up log has %1 error line(s); the first: %2")
                          .arg(out.errorLines.size())
                          .arg(out.errorLines.first().trimmed());
    } else if (result.error != SshError::None) {
        out.message = result.errorMessage;
    } else if (!out.markerSeen) {
        out.message =
            result.timedOut
                ? QStringLiteral("MyST Studio did not report start-up (\"%1\") within %2 s")
                      .arg(settings.startupMarker)
                      .arg(settings.startupTimeoutSeconds)
                : QStringLiteral("output-logs.sh ended (%1) before start-up completed")
                      .arg(result.describe());
    } else {
        out.ok = true;
        out.message = QStringLiteral("Start-up log clean");
    }
    return out;
}

ConsoleResult readConsoleVersion(const QUrl& url, const RunSettings& settings,
                                 const std::atomic<bool>* cancel)
{
    ConsoleResult out;
    if (url.isEmpty()) {
        out.message = QStringLiteral("No console URL is configured for this host");
        return out;
    }
    QNetworkAccessManager network;
    QElapsedTimer clock;
    clock.start();
    const qint64 deadline = qint64(settings.consoleTimeoutSeconds) * 1000;
    QString lastError;
    while (!(cancel && cancel->load())) {
        QNetworkRequest request(url);
        request.setTransferTimeout(5000);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::NoLessSafeRedirectPolicy);
        QNetworkReply* reply = network.get(request);
        QEventLoop loop; // private to this worker thread; nothing else is delivered here
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        if (reply->error() == QNetworkReply::NoError) {
            const QString page = QString::fromUtf8(reply->readAll());
            out.version = parseConsoleVersion(page, settings.consoleVersionPattern);
            reply->deleteLater();
            if (!out.version.isEmpty()) {
                out.ok = true;
                out.message = QStringLiteral("The console at %1 shows MyST Studio %2")
                                  .arg(url.toString(), out.version);
                return out;
            }
            lastError = QStringLiteral("no version found in the page (pattern %1)")
                            .arg(settings.consoleVersionPattern);
        } else {
            lastError = reply->errorString();
            reply->deleteLater();
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
