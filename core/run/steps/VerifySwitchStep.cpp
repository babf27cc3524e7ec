// Blue/green: the switch is done when the public service URL, fetched from this computer as
// users reach it, shows the new active instance's version. DNS takes its time: it is fetched
// again every few seconds until blueGreen.switchTimeoutSeconds.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/host/ConsoleClient.h"
#include "core/host/OutputParsers.h"
#include "core/host/Verify.h"

#include <QElapsedTimer>
#include <QThread>

namespace myst {

StepOutcome runVerifySwitch(StepContext& context, const Step& step, HostSession& host)
{
    const Site& site = context.site();
    const QUrl url = site.blueGreen.serviceUrl;
    QString version = step.expectVersion;
    if (version.isEmpty()) { // `switch`: whatever the instance switched to runs
        const ConsoleResult console = readConsoleVersion(host, site.hosts.value(step.role),
                                                         site.settings, context.cancelFlag());
        if (!console.ok)
            return {false, -1, console.message};
        version = console.version;
    }
    // Both instances may run one version (a switch back right after an upgrade is not that):
    // then the URL cannot tell them apart, and it says so.
    context.log(OutputStream::Stdout,
                QStringLiteral("fetching %1 until it shows MyST Studio %2 (%3 s at most)")
                    .arg(url.toString(), version)
                    .arg(site.blueGreen.switchTimeoutSeconds));
    QElapsedTimer clock;
    clock.start();
    QString last;
    while (!context.cancelled()) {
        const ConsolePage page = fetchPageFromHere(url, 5000);
        const QString shown = page.ok ? parseConsoleVersion(QString::fromUtf8(page.body),
                                                            site.settings.consoleVersionPattern)
                                      : QString();
        const QString now = page.ok
                                ? QStringLiteral("shows MyST Studio %1")
                                      .arg(shown.isEmpty() ? QStringLiteral("(no version)") : shown)
                                : page.error;
        if (now != last)
            context.log(OutputStream::Stdout, QStringLiteral("%1 %2").arg(url.toString(), now));
        last = now;
        if (!shown.isEmpty() && sameMystVersion(shown, version)) {
            return {true, 0,
                    QStringLiteral("%1 shows MyST Studio %2 after %3 s")
                        .arg(url.toString(), version)
                        .arg(clock.elapsed() / 1000.0, 0, 'f', 1)};
        }
        if (clock.elapsed() > qint64(site.blueGreen.switchTimeoutSeconds) * 1000) {
            return {false, -1,
                    QStringLiteral("%1 still %2 after %3 s (blueGreen.switchTimeoutSeconds): the "
                                   "switch is not seen yet, and %4 was not recorded as active. "
                                   "Once %1 shows %5, record it (the switch command runs "
                                   "again): myst-upgrade switch --site %6 --to %4 --yes")
                        .arg(url.toString(), last)
                        .arg(site.blueGreen.switchTimeoutSeconds)
                        .arg(step.role, version, shellQuote(site.path))};
        }
        QThread::msleep(1000);
    }
    return {false, -1, QStringLiteral("cancelled while waiting for %1").arg(url.toString())};
}

} // namespace myst
