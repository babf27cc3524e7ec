// The guide's verification: output-logs.sh until the start-up marker with no error line, the
// tag on the expected image, and the console showing the expected version.
#include "core/journal/RunNames.h"
#include "core/run/steps/StepExecutors.h"

#include "core/host/DockerCli.h"
#include "core/host/OutputParsers.h"
#include "core/host/Verify.h"

namespace myst {

namespace {
// When the step of this run that (re)started the service began, on the host's clock (its
// skew from ours measured now), and the host's UTC offset.
BootWindow bootWindow(StepContext& context, const Step& verify, HostSession& host)
{
    BootWindow boot;
    QDateTime started;
    for (int k = context.stepIndex() - 1; k >= 0 && !started.isValid(); --k) {
        const Step& s = context.plan().steps.at(k);
        if (s.role == verify.role && s.startsService)
            started = context.journal().steps.at(k).started;
    }
    if (!started.isValid())
        return boot;
    const CapturedOutput clock = host.capture(QStringLiteral("date -u +%s; date +%z"), 15000);
    bool ok = false;
    const qint64 hostNow = clock.stdoutLines.value(0).toLongLong(&ok);
    if (!ok)
        return boot; // without the host's clock every line counts, as before
    const QString zone = clock.stdoutLines.value(1); // "+0100"
    const int sign = zone.startsWith(QLatin1Char('-')) ? -1 : 1;
    boot.hostUtcOffsetSeconds =
        sign * (zone.mid(1, 2).toInt() * 3600 + zone.mid(3, 2).toInt() * 60);
    const qint64 skew = hostNow - QDateTime::currentSecsSinceEpoch();
    boot.startedUtc = started.toUTC().addSecs(skew);
    return boot;
}
} // namespace

namespace {
StepOutcome failed(const QString& message, const QStringList& judgement = {})
{
    StepOutcome out{false, -1, message};
    out.judgement = judgement;
    return out;
}
} // namespace

StepOutcome runVerify(StepContext& context, const Step& step, HostSession& host)
{
    const Site& site = context.site();
    const auto forward = [&](OutputStream stream, const QString& line) {
        context.log(stream, line);
    };
    const StartupLogResult log =
        checkStartupLog(host, step.argv.value(0), site.settings, bootWindow(context, step, host),
                        forward, context.cancelFlag());
    // Error lines in a start-up that completed are a judgement (a plugin that failed may not
    // matter here): the console is read all the same, so that the operator who may accept
    // them sees what it shows. A start-up that did not complete is a fact.
    const bool judged = !log.ok && log.markerSeen && !log.errorLines.isEmpty();
    if (!log.ok && (!judged || context.cancelled())) {
        return failed(log.message);
    }
    QStringList judgement = judged ? log.errorLines : QStringList();
    if (const auto info =
            DockerCli::inspectImage(host, context.site().hosts.value(step.role)).image) {
        if (context.plan().kind == RunKind::Upgrade) {
            context.capture(step.role, CaptureKey::NewImageId, info->id);
        } else if (!step.imageId.isEmpty() && info->id != step.imageId) {
            return failed(QStringLiteral("myst-studio is tagged %1, not the previous image %2")
                              .arg(info->id, step.imageId));
        }
    }
    const SiteHost siteHost = site.hosts.value(step.role);
    if (siteHost.consoleUrl.isEmpty()) {
        if (judged)
            return failed(log.message + QStringLiteral("; no console URL set"), judgement);
        return {true, 0, log.message + QStringLiteral("; no console URL set, version not checked")};
    }
    const ConsoleResult console =
        readConsoleVersion(host, siteHost, site.settings, context.cancelFlag());
    context.log(OutputStream::Stdout, QStringLiteral("[console] ") + console.message);
    const QString logSaid = judged ? log.message + QStringLiteral("; ") : QString();
    if (!console.ok) {
        if (!console.answeredWithoutVersion || context.cancelled())
            return failed(logSaid + console.message);
        return failed(logSaid + console.message, judgement << console.message);
    }
    if (!step.expectVersion.isEmpty() && !sameMystVersion(console.version, step.expectVersion)) {
        return failed(logSaid + QStringLiteral("the console shows MyST Studio %1, expected %2")
                                    .arg(console.version, step.expectVersion));
    }
    if (judged)
        return failed(logSaid + QStringLiteral("the console shows %1").arg(console.version),
                      judgement);
    return {true, 0, QStringLiteral("%1; console shows %2").arg(log.message, console.version)};
}

} // namespace myst
