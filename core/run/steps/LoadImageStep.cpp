// Offline: import.sh <archive> where the host has it, else docker load and docker tag of the
// archive's own image ID; then myst-studio must be the archive's image, whatever the script did.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"
#include "core/host/OutputParsers.h"

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
    const SiteHost& siteHost = context.site().hosts.value(step.role);
    StepOutcome out;
    Step run = step;
    QStringList said;
    const auto part = [&](const QStringList& argv, const QString& name) {
        run.argv = argv;
        context.log(OutputStream::Stdout, QStringLiteral("$ ") + hostCommandLine(run.argv));
        return context.runScript(run, host, &said, name);
    };
    // The image is the archive's by the IDs read from its own, verified, metadata: the config
    // digest (docker's classic store) or the manifest digest (its containerd store). What
    // docker load says it loaded ("Loaded image: NAME") is only shown: a name may already
    // belong to another image, and the archive's tags are the archive's word.
    QStringList ids{step.imageId};
    if (isImageDigest(step.manifestId))
        ids << step.manifestId;
    QString loaded;
    QString saidLoaded;
    const auto findLoaded = [&] {
        for (const QString& id : std::as_const(ids)) {
            const DockerCli::Inspected image = DockerCli::inspectImage(host, siteHost, id);
            if (image.image && ids.contains(image.image->id)) {
                loaded = image.image->id;
                return true;
            }
        }
        for (const QString& line : std::as_const(said)) {
            if (!loadedImageRef(line).isEmpty())
                saidLoaded = loadedImageRef(line);
        }
        return false;
    };
    const auto notTheArchive = [&] {
        return StepOutcome{
            false, -1,
            QStringLiteral("the host has no image with the archive's ID (%1) after loading it%2: "
                           "myst-studio is not pointed at anything else")
                .arg(ids.join(QStringLiteral(" or ")),
                     saidLoaded.isEmpty()
                         ? QString()
                         : QStringLiteral(" (docker said it loaded %1)").arg(saidLoaded))};
    };
    if (hasImport) {
        out = part({importScript, archive}, QStringLiteral("import"));
        if (out.ok && !findLoaded())
            return notTheArchive();
    } else {
        context.log(OutputStream::Stdout,
                    QStringLiteral("this host has no import.sh: docker load, then docker tag"));
        out = part(DockerCli::load(siteHost, archive), QStringLiteral("load"));
        if (out.ok) {
            if (!findLoaded())
                return notTheArchive();
            out = part(DockerCli::tag(siteHost, loaded), QStringLiteral("tag"));
        }
    }
    if (!out.ok) {
        return out;
    }
    const DockerCli::Inspected inspected = DockerCli::inspectImage(host, siteHost);
    if (!inspected.image || inspected.image->id != loaded) {
        // The run's end puts the previous tag back (RunOutcome::restorePreviousTag).
        return {false, -1,
                QStringLiteral("after loading, myst-studio is %1, not the archive's image %2")
                    .arg(inspected.image ? inspected.image->id : inspected.error, loaded)};
    }
    const ImageInfo& info = *inspected.image;
    context.capture(step.role, CaptureKey::LoadedImageId, info.id);
    return {true, 0,
            QStringLiteral("myst-studio is now %1 (%2)")
                .arg(info.id.left(19),
                     info.version.isEmpty() ? QStringLiteral("version unknown") : info.version)};
}

} // namespace myst
