#include "Plan.h"

#include "Journal.h"
#include "ShellQuote.h"
#include "Validation.h"

namespace myst {

namespace {
Step makeStep(const QString& id, const QString& title, const QString& role, StepKind kind,
              const QStringList& argv = {})
{
    Step step;
    step.id = id;
    step.title = title;
    step.role = role;
    step.kind = kind;
    step.argv = argv;
    return step;
}
} // namespace

QString Step::commandText() const
{
    switch (kind) {
    case StepKind::Verify:
        return shellCommand(argv) +
               QStringLiteral("  (until the start-up marker) + console version");
    case StepKind::CheckRollback:
        return QStringLiteral("docker image inspect %1 && test -s %2")
            .arg(shellQuote(imageId), shellQuote(backupPath));
    case StepKind::CopyBackup:
        return QStringLiteral("[%1] cat <backup> | this computer (sha256) | [%2] cat > <MyST "
                              "home>/backup/<name>")
            .arg(sourceRole, role);
    case StepKind::RestoreCopy:
        return shellCommand(argv) + QStringLiteral(" <the copied backup>");
    case StepKind::CheckImage:
        return QStringLiteral(
                   "docker image inspect myst-studio  (must be the image verified on %1)")
            .arg(sourceRole);
    case StepKind::Gate:
        return QStringLiteral("(the operator confirms)");
    default:
        return shellCommand(argv);
    }
}

Plan inPlaceUpgradePlan(const SiteHost& host, const QString& version)
{
    Plan plan;
    plan.kind = QStringLiteral("upgrade");
    plan.approach = QStringLiteral("in-place");
    plan.targetVersion = version;
    const QString role = host.role;

    Step record = makeStep(QStringLiteral("record-image"),
                           QStringLiteral("Record the current image"), role, StepKind::RecordImage,
                           {QStringLiteral("docker"), QStringLiteral("image"),
                            QStringLiteral("inspect"), QStringLiteral("myst-studio")});
    Step pull = makeStep(QStringLiteral("pull"), QStringLiteral("Pull MyST Studio %1").arg(version),
                         role, StepKind::Script, {host.script(QStringLiteral("pull.sh")), version});
    Step backup = makeStep(QStringLiteral("backup"), QStringLiteral("Back up the database"), role,
                           StepKind::Backup, {host.script(QStringLiteral("backup-database.sh"))});
    Step stop = makeStep(QStringLiteral("stop"), QStringLiteral("Stop MyST Studio"), role,
                         StepKind::Script, {host.script(QStringLiteral("stop.sh"))});
    stop.startsOutage = true;
    Step start = makeStep(QStringLiteral("start"),
                          QStringLiteral("Start MyST Studio (upgrades the database)"), role,
                          StepKind::Script, {host.script(QStringLiteral("start.sh"))});
    Step verify =
        makeStep(QStringLiteral("verify"), QStringLiteral("Verify MyST Studio %1").arg(version),
                 role, StepKind::Verify, {host.script(QStringLiteral("output-logs.sh"))});
    verify.expectVersion = version;
    verify.endsOutage = true;
    plan.steps = {record, pull, backup, stop, start, verify};
    return plan;
}

Plan phasedUpgradePlan(const SiteHost& nonprod, const SiteHost& prod, const QString& version,
                       bool copyProdData)
{
    Plan plan;
    plan.kind = QStringLiteral("upgrade");
    plan.approach = QStringLiteral("phased");
    plan.targetVersion = version;
    const QString np = nonprod.role;
    const Plan prodSteps = inPlaceUpgradePlan(prod, version);
    const Plan nonprodSteps = inPlaceUpgradePlan(nonprod, version);
    // Non-production: what its own rollback needs (image, backup), then the new image.
    plan.steps << nonprodSteps.steps.at(0) << nonprodSteps.steps.at(2) << nonprodSteps.steps.at(1);
    if (copyProdData) {
        Step backup = prodSteps.steps.at(2);
        backup.id = QStringLiteral("backup-for-copy");
        backup.title = QStringLiteral("Back up production's database for non-production");
        Step copy = makeStep(QStringLiteral("copy-backup"),
                             QStringLiteral("Copy production's backup to non-production"), np,
                             StepKind::CopyBackup);
        copy.sourceRole = prod.role;
        Step restore = makeStep(
            QStringLiteral("restore-copy"),
            QStringLiteral("Restore production's data on non-production (restarts, upgrades)"), np,
            StepKind::RestoreCopy, {nonprod.script(QStringLiteral("update-database.sh"))});
        plan.steps << backup << copy << restore;
    } else {
        plan.steps << makeStep(QStringLiteral("restart"),
                               QStringLiteral("Restart non-production (upgrades it)"), np,
                               StepKind::Script, {nonprod.script(QStringLiteral("restart.sh"))});
    }
    Step verifyNonprod = nonprodSteps.steps.at(5);
    verifyNonprod.endsOutage = false; // the outage that counts is production's
    plan.steps << verifyNonprod;
    Step gate = makeStep(QStringLiteral("gate"), QStringLiteral("Go on to production?"), prod.role,
                         StepKind::Gate);
    gate.sourceRole = np;
    plan.steps << gate;
    // Production: the in-place steps, with the image checked before anything stops.
    Step check =
        makeStep(QStringLiteral("check-image"),
                 QStringLiteral("Check production pulled the image verified on non-production"),
                 prod.role, StepKind::CheckImage);
    check.sourceRole = np;
    plan.steps << prodSteps.steps.at(0) << prodSteps.steps.at(1) << check << prodSteps.steps.at(2)
               << prodSteps.steps.at(3) << prodSteps.steps.at(4) << prodSteps.steps.at(5);
    // Step ids name the log files; make them unique per host.
    for (Step& step : plan.steps) {
        if (step.role == np) {
            step.id = QStringLiteral("nonprod-") + step.id;
        }
    }
    return plan;
}

Plan rollbackPlan(const SiteHost& host, const HostRecord& record, QString* error)
{
    if (record.backupPath.isEmpty()) {
        *error = QStringLiteral("The run recorded no database backup for %1, so there is nothing "
                                "to restore: rollback refused. Nothing was changed.")
                     .arg(host.role);
        return {};
    }
    if (!isSafeAbsolutePath(record.backupPath)) {
        *error = QStringLiteral("The recorded backup path \"%1\" is not a plain absolute path: "
                                "rollback refused.")
                     .arg(record.backupPath);
        return {};
    }
    if (!isValidImageId(record.previousImageId)) {
        *error = QStringLiteral("The run recorded no previous image for %1: rollback refused. "
                                "Nothing was changed.")
                     .arg(host.role);
        return {};
    }
    Plan plan;
    plan.kind = QStringLiteral("rollback");
    plan.approach = QStringLiteral("rollback");
    plan.targetVersion = record.previousVersion;
    const QString role = host.role;

    Step check = makeStep(QStringLiteral("check-rollback"),
                          QStringLiteral("Check the previous image and the backup are on the host"),
                          role, StepKind::CheckRollback);
    check.imageId = record.previousImageId;
    check.backupPath = record.backupPath;
    Step retag = makeStep(QStringLiteral("retag"),
                          QStringLiteral("Re-tag the previous image as myst-studio"), role,
                          StepKind::RetagImage,
                          {QStringLiteral("docker"), QStringLiteral("tag"), record.previousImageId,
                           QStringLiteral("myst-studio")});
    retag.imageId = record.previousImageId;
    Step restore = makeStep(QStringLiteral("restore"),
                            QStringLiteral("Restore the database backup"), role, StepKind::Script,
                            {host.script(QStringLiteral("update-database.sh")), record.backupPath});
    restore.startsOutage = true;
    Step restart = makeStep(QStringLiteral("restart"), QStringLiteral("Restart MyST Studio"), role,
                            StepKind::Script, {host.script(QStringLiteral("restart.sh"))});
    Step verify = makeStep(QStringLiteral("verify"),
                           QStringLiteral("Verify MyST Studio %1")
                               .arg(record.previousVersion.isEmpty() ? QStringLiteral("(previous)")
                                                                     : record.previousVersion),
                           role, StepKind::Verify, {host.script(QStringLiteral("output-logs.sh"))});
    verify.expectVersion = record.previousVersion;
    verify.imageId = record.previousImageId; // myst-studio must point at it again
    verify.endsOutage = true;
    plan.steps = {check, retag, restore, restart, verify};
    return plan;
}

} // namespace myst
