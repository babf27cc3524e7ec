// The guide's verification: output-logs.sh until the start-up marker with no error line, the
// tag on the expected image, and the console showing the expected version.
#include "core/run/steps/StepExecutors.h"

#include "core/host/DockerCli.h"
#include "core/host/Verify.h"

namespace myst {

StepOutcome runVerify(StepContext& context, const Step& step, HostSession& host)
{
    const Site& site = context.site();
    const auto forward = [&](OutputStream stream, const QString& line) {
        context.log(stream, line);
    };
    const StartupLogResult log =
        checkStartupLog(host, step.argv.value(0), site.settings, forward, context.cancelFlag());
    if (!log.ok) {
        return {false, -1, log.message};
    }
    if (const auto info = DockerCli::inspectImage(host).image) {
        if (context.plan().kind == QLatin1String("upgrade")) {
            context.capture(step.role, CaptureKey::NewImageId, info->id);
        } else if (!step.imageId.isEmpty() && info->id != step.imageId) {
            return {false, -1,
                    QStringLiteral("myst-studio is tagged %1, not the previous image %2")
                        .arg(info->id, step.imageId)};
        }
    }
    const SiteHost siteHost = site.hosts.value(step.role);
    if (siteHost.consoleUrl.isEmpty()) {
        return {true, 0, log.message + QStringLiteral("; no console URL set, version not checked")};
    }
    const ConsoleResult console =
        readConsoleVersion(host, siteHost, site.settings, context.cancelFlag());
    context.log(OutputStream::Stdout, QStringLiteral("[console] ") + console.message);
    if (!console.ok) {
        return {false, -1, console.message};
    }
    if (!step.expectVersion.isEmpty() && console.version != step.expectVersion) {
        return {false, -1,
                QStringLiteral("the console shows MyST Studio %1, expected %2")
                    .arg(console.version, step.expectVersion)};
    }
    return {true, 0, QStringLiteral("%1; console shows %2").arg(log.message, console.version)};
}

} // namespace myst
