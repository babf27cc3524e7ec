// Offline: import.sh <archive> where the host has it, else docker load and docker tag; then
// myst-studio must be the archive's image, whatever the script did.
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
    // What docker says it loaded: Docker's containerd image store names the image by its
    // manifest digest, not the config digest the archive was checked by, so that is the one.
    QString loaded = step.imageId;
    const auto readLoaded = [&] {
        for (const QString& line : said) {
            const QString ref = loadedImageRef(line);
            if (!ref.isEmpty()) {
                const DockerCli::Inspected image = DockerCli::inspectImage(host, siteHost, ref);
                if (image.image)
                    loaded = image.image->id;
            }
        }
    };
    if (hasImport) {
        out = part({importScript, archive}, QStringLiteral("import"));
        readLoaded();
    } else {
        context.log(OutputStream::Stdout,
                    QStringLiteral("this host has no import.sh: docker load, then docker tag"));
        out = part(DockerCli::load(siteHost, archive), QStringLiteral("load"));
        if (out.ok) {
            readLoaded();
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
