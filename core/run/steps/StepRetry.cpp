// Which steps may run again after they failed (Retry), decided per kind, with the reason the
// operator reads. A step is safe to repeat when running it twice leaves the host as running it
// once would: it only reads, it sets a state that is the same however often it is set, or it
// picks up where it stopped. When that cannot be known here, Retry is refused and says why.
#include "core/run/steps/StepRetry.h"

namespace myst {

namespace {
RetrySafety safe(const QString& reason)
{
    return {true, reason};
}

RetrySafety scriptSafety(const Step& step)
{
    const QString id = step.id;
    if (id == QLatin1String("pull"))
        return safe(QStringLiteral("pull.sh fetches the same version again; an image already "
                                   "there is not fetched twice"));
    if (id == QLatin1String("stop"))
        return safe(QStringLiteral("stop.sh leaves a stopped MyST Studio stopped"));
    if (id == QLatin1String("start"))
        return safe(QStringLiteral("start.sh starts what is not running and migrates the schema "
                                   "only as far as it has not been migrated yet"));
    if (id == QLatin1String("restart"))
        return safe(QStringLiteral("restart.sh stops and starts MyST Studio again"));
    if (id == QLatin1String("restore"))
        return safe(QStringLiteral("update-database.sh loads the same recorded backup again; a "
                                   "dump drops and re-creates each table, so twice gives the "
                                   "same database as once"));
    return {false, QStringLiteral("whether %1 can run twice is not known")
                       .arg(step.argv.value(0).section(QLatin1Char('/'), -1))};
}
} // namespace

RetrySafety retrySafety(const Step& step)
{
    switch (step.kind) {
    case StepKind::Script:
        return scriptSafety(step);
    case StepKind::RecordImage:
    case StepKind::CheckRollback:
    case StepKind::CheckBackup:
    case StepKind::CheckImage:
    case StepKind::CheckReadiness:
    case StepKind::CheckActive:
    case StepKind::Verify:
    case StepKind::VerifySwitch:
        return safe(QStringLiteral("it only reads what is on the host"));
    case StepKind::Backup:
        return safe(QStringLiteral("a new backup is taken and recorded; an earlier file stays "
                                   "on the host"));
    case StepKind::RetagImage:
        return safe(QStringLiteral("it tags the same recorded image again"));
    case StepKind::CopyBackup:
        return safe(QStringLiteral("the backup is copied again and its SHA-256 checked again"));
    case StepKind::RestoreCopy:
        return safe(QStringLiteral("update-database.sh loads the same copied backup again; a "
                                   "dump drops and re-creates each table"));
    case StepKind::Gate:
        return safe(QStringLiteral("it asks again"));
    case StepKind::UploadImage:
        return safe(QStringLiteral("the upload resumes where it stopped and checks the whole "
                                   "file's SHA-256"));
    case StepKind::LoadImage:
        return safe(QStringLiteral("the same checked archive is loaded and tagged again"));
    case StepKind::ReadOnly:
        return safe(QStringLiteral("it sets the same read-only mode again"));
    case StepKind::RecordActive:
        return safe(QStringLiteral("it writes the same active instance again"));
    case StepKind::SwitchTraffic:
        // The site's own program: a toggle would switch back on a second run.
        return {false, QStringLiteral("the switch is the site's own program, and whether it "
                                      "can run twice is not known here: check where traffic "
                                      "goes, then roll back, or switch with `myst-upgrade "
                                      "switch`")};
    }
    return {false, QStringLiteral("this kind of step is not known to be safe to repeat")};
}

} // namespace myst
