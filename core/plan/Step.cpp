#include "core/plan/Plan.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/ImageArchive.h"

namespace myst {

OfflineImage OfflineImage::from(const ImageArchive& archive)
{
    OfflineImage image;
    image.localPath = archive.path;
    image.imageId = archive.imageId;
    image.manifestId = archive.manifestId;
    image.version = archive.version;
    image.repoTags = archive.repoTags;
    image.size = archive.size;
    image.layers = archive.layers;
    return image;
}

bool offlineVersion(const OfflineImage& image, const QString& asked, QString* version,
                    QString* error)
{
    if (!image.version.isEmpty() && !asked.isEmpty() && image.version != asked) {
        *error = QStringLiteral("the archive holds MyST Studio %1, not %2 (tags: %3)")
                     .arg(image.version, asked, image.repoTags.join(QStringLiteral(", ")));
        return false;
    }
    *version = asked.isEmpty() ? image.version : asked;
    if (version->isEmpty()) {
        *error = QStringLiteral("the archive does not say which MyST Studio version it holds "
                                "(no version label or versioned tag); give it with --version");
        return false;
    }
    if (!isValidVersion(*version)) {
        *error =
            QStringLiteral("the archive's version \"%1\" is not a plain version").arg(*version);
        return false;
    }
    return true;
}

QString Step::commandText() const
{
    switch (kind) {
    case StepKind::Verify:
        return hostCommandLine(argv) +
               QStringLiteral("  (until the start-up marker) + console version");
    case StepKind::CheckRollback:
        return QStringLiteral("docker image inspect %1 && test -s %2")
            .arg(shellQuote(imageId), shellQuote(backupPath));
    case StepKind::CheckBackup:
        return QStringLiteral("stat -c %s %1 && sha256sum %1  (must be the recorded size and "
                              "SHA-256)")
            .arg(shellQuote(backupPath));
    case StepKind::CopyBackup:
        return QStringLiteral("[%1] cat <backup> | this computer (sha256) | [%2] cat > <its "
                              "backup folder>/<name>")
            .arg(sourceRole, role);
    case StepKind::RestoreCopy:
        return hostCommandLine(argv) + QStringLiteral(" <the copied backup>") +
               (keepFile ? QString() : QStringLiteral("; then rm -f <the copied backup>"));
    case StepKind::CheckImage:
        return QStringLiteral(
                   "docker image inspect myst-studio  (must be the image verified on %1)")
            .arg(sourceRole);
    case StepKind::Gate:
        return QStringLiteral("(the operator confirms)");
    case StepKind::CheckActive:
        return QStringLiteral("[%1, %2] cat <MyST home>/.myst-upgrade/active.json  (must name "
                              "%1, as the site does, or nothing yet); [%1] docker exec "
                              "myststudio_db … SELECT @@global.read_only  (must answer 0)")
            .arg(role, sourceRole);
    case StepKind::SwitchTraffic:
        return argv.isEmpty()
                   ? QStringLiteral("(by hand: point the service at %1; the operator confirms)")
                         .arg(role)
                   : QStringLiteral("on this computer, no shell: %1").arg(shellCommand(argv));
    case StepKind::VerifySwitch:
        return QStringLiteral("on this computer: GET the service URL until it shows MyST "
                              "Studio %1")
            .arg(expectVersion.isEmpty() ? QStringLiteral("(%1's version)").arg(role)
                                         : expectVersion);
    case StepKind::RecordActive:
        return QStringLiteral("[%1, %2] write <MyST home>/.myst-upgrade/active.json "
                              "{\"active\": \"%1\"}; the site file's blueGreen.active = %1")
            .arg(role, sourceRole);
    case StepKind::CheckReadiness:
        return QStringLiteral("docker image inspect <recorded previous image>; test -s "
                              "<recorded backup>; sha256sum <recorded backup>  (its recorded "
                              "SHA-256); df -Pk %1  (enough free disk)")
            .arg(shellQuote(argv.value(0)));
    case StepKind::UploadImage:
        return QStringLiteral(
                   "upload %1 → %2/%3 (as .part, resumable; sha256 here = sha256sum there)")
            .arg(localPath, remotePath, plainFileName(localPath.section(QLatin1Char('/'), -1)));
    case StepKind::LoadImage:
        return QStringLiteral("%1 %2  (without import.sh: docker load -i %2 && docker tag %3 "
                              "myst-studio)")
            .arg(hostCommandLine(argv), shellQuote(remotePath), imageId);
    default:
        return hostCommandLine(argv);
    }
}

} // namespace myst
