// Offline: import.sh <archive> where the host has it, else docker load and docker tag; then
// myst-studio must be the archive's image, whatever the script did.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"

namespace myst {

StepOutcome runLoadImage(StepContext& context, const Step& step, HostSession& host)
{
    const QString archive = context.journal().records.value(step.role).uploadedImagePath;
    if (!isSafeAbsolutePath(archive)) {
        return {false, -1,
                QStringLiteral("No uploaded image archive was recorded on %1").arg(step.role)};
    }
    const QString importScript = step.argv.value(0);
    const bool hasImport =
        host.capture(shellCommand({QStringLiteral("test"), QStringLiteral("-x"), importScript}))
            .result.succeeded();
    StepOutcome out;
    Step run = step;
    const auto part = [&](const QStringList& argv, const QString& name) {
        run.argv = argv;
        context.log(OutputStream::Stdout, QStringLiteral("$ ") + hostCommandLine(run.argv));
        return context.runScript(run, host, nullptr, name);
    };
    if (hasImport) {
        out = part({importScript, archive}, QStringLiteral("import"));
    } else {
        context.log(OutputStream::Stdout,
                    QStringLiteral("this host has no import.sh: docker load, then docker tag"));
        out = part(DockerCli::load(archive), QStringLiteral("load"));
        if (out.ok) {
            out = part(DockerCli::tag(step.imageId), QStringLiteral("tag"));
        }
    }
    if (!out.ok) {
        return out;
    }
    const DockerCli::Inspected inspected = DockerCli::inspectImage(host);
    if (!inspected.image || inspected.image->id != step.imageId) {
        // The run's end puts the previous tag back (RunOutcome::restorePreviousTag).
        return {false, -1,
                QStringLiteral("after loading, myst-studio is %1, not the archive's image %2")
                    .arg(inspected.image ? inspected.image->id : inspected.error, step.imageId)};
    }
    const ImageInfo& info = *inspected.image;
    context.capture(step.role, CaptureKey::LoadedImageId, info.id);
    return {true, 0,
            QStringLiteral("myst-studio is now %1 (%2)")
                .arg(info.id.left(19),
                     info.version.isEmpty() ? QStringLiteral("version unknown") : info.version)};
}

} // namespace myst
