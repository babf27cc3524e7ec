#include "core/host/Verify.h"

#include "core/base/ShellQuote.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include "core/host/OutputParsers.h"

namespace myst {

namespace {
constexpr int MaxErrorLinesKept = 20;
constexpr qint64 MaxPageBytes = 1024 * 1024; // a console page is small; more is not read

// Redirects are followed only to the same host and port, never from https to http: the
// version must come from the console this host serves, not from wherever it points.
bool sameConsole(const QUrl& from, const QUrl& to)
{
    return to.host() == from.host() && to.port(from.port()) == from.port() &&
           !(from.scheme() == QLatin1String("https") && to.scheme() != QLatin1String("https"));
}

struct Page
{
    bool ok = false;
    QByteArray body;
    QString error;
};

// One GET with the caps above, on this worker thread's private event loop.
Page fetchPage(QNetworkAccessManager& network, const QUrl& url)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::UserVerifiedRedirectPolicy);
    request.setMaximumRedirectsAllowed(5);
    QNetworkReply* reply = network.get(request);
    reply->setReadBufferSize(64 * 1024); // read no further ahead than this page needs
    Page page;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::redirected, &loop, [&](const QUrl& to) {
        if (sameConsole(url, to)) {
            emit reply->redirectAllowed();
        } else {
            page.error = QStringLiteral("the console redirects to %1, another host; not followed")
                             .arg(to.toString());
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        if (page.body.size() + reply->bytesAvailable() > MaxPageBytes) {
            page.error = QStringLiteral("the console page is larger than %1 bytes; not read")
                             .arg(MaxPageBytes);
            reply->abort();
            return;
        }
        page.body += reply->readAll();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (page.error.isEmpty() && reply->error() != QNetworkReply::NoError) {
        page.error = reply->errorString();
    }
    if (page.error.isEmpty() && page.body.size() + reply->bytesAvailable() <= MaxPageBytes) {
        page.body += reply->readAll();
        page.ok = true;
    }
    reply->deleteLater();
    return page;
}
} // namespace

StartupLogResult checkStartupLog(HostSession& host, const QString& outputLogsScript,
                                 const RunSettings& settings,
                                 const RemoteCommand::LineHandler& forward,
                                 const std::atomic<bool>* cancel)
{
    StartupLogResult out;
    const QRegularExpression marker(settings.startupMarker);
    const QRegularExpression errors(settings.errorPattern);
    int errorCount = 0;
    const auto lines = [&](OutputStream stream, const QString& line) {
        forward(stream, line);
        if (errors.match(line).hasMatch() && ++errorCount <= MaxErrorLinesKept) {
            out.errorLines << line.left(1000);
        }
        if (marker.match(line).hasMatch()) {
            out.markerSeen = true;
        }
    };
    const CommandResult result = host.follow(shellCommand({outputLogsScript}), lines,
                                             qint64(settings.startupTimeoutSeconds) * 1000, cancel,
                                             [&out] { return out.markerSeen; });
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
        const Page page = fetchPage(network, url);
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
