#include "core/journal/RunNames.h"
#include "core/plan/Plan.h"

#include "core/base/Validation.h"
#include "core/host/DockerCli.h"
#include "core/journal/Journal.h"

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

namespace {
// The in-place steps on one host, by name, for the plans that are made of them.
struct InPlaceSteps
{
    Step record;
    QList<Step> getImage; // pull.sh, or upload + load
    Step backup;
    Step ready;
    Step stop;
    Step start;
    Step verify;
};

Step recordImageStep(const SiteHost& host)
{
    return makeStep(QStringLiteral("record-image"), QStringLiteral("Record the current image"),
                    host.role, StepKind::RecordImage, DockerCli::inspect(host, DockerCli::Tag));
}

// Rollback readiness, checked before the first step that changes the service: the previous
// image is there by ID, the backup exists and is not empty, and there is free disk left.
Step readinessStep(const SiteHost& host)
{
    return makeStep(QStringLiteral("ready"), QStringLiteral("Check rollback is ready"), host.role,
                    StepKind::CheckReadiness, {host.mystHome});
}

QList<Step> offlineImageSteps(const SiteHost& host, const OfflineImage& offline)
{
    const QString name = plainFileName(offline.localPath.section(QLatin1Char('/'), -1));
    Step upload =
        makeStep(QStringLiteral("upload"), QStringLiteral("Upload the image archive %1").arg(name),
                 host.role, StepKind::UploadImage);
    upload.localPath = offline.localPath;
    upload.remotePath = host.imagesPath();
    Step load =
        makeStep(QStringLiteral("load"), QStringLiteral("Load the image and tag it myst-studio"),
                 host.role, StepKind::LoadImage, {host.script(QStringLiteral("import.sh"))});
    load.remotePath = host.imagesPath() + QLatin1Char('/') + name;
    load.imageId = offline.imageId;
    load.manifestId = offline.manifestId;
    load.expectVersion = offline.version;
    return {upload, load};
}

InPlaceSteps inPlaceSteps(const SiteHost& host, const QString& version, const OfflineImage& offline)
{
    const QString role = host.role;
    InPlaceSteps s;
    s.record = recordImageStep(host);
    s.getImage = offline.isSet()
                     ? offlineImageSteps(host, offline)
                     : QList<Step>{makeStep(QStringLiteral("pull"),
                                            QStringLiteral("Pull MyST Studio %1").arg(version),
                                            role, StepKind::Script,
                                            {host.script(QStringLiteral("pull.sh")), version})};
    s.backup = makeStep(QStringLiteral("backup"), QStringLiteral("Back up the database"), role,
                        StepKind::Backup, {host.script(QStringLiteral("backup-database.sh"))});
    s.ready = readinessStep(host);
    s.stop = makeStep(QStringLiteral("stop"), QStringLiteral("Stop MyST Studio"), role,
                      StepKind::Script, {host.script(QStringLiteral("stop.sh"))});
    s.stop.startsOutage = true;
    s.start = makeStep(QStringLiteral("start"),
                       QStringLiteral("Start MyST Studio (upgrades the database)"), role,
                       StepKind::Script, {host.script(QStringLiteral("start.sh"))});
    s.start.startsService = true;
    s.verify =
        makeStep(QStringLiteral("verify"), QStringLiteral("Verify MyST Studio %1").arg(version),
                 role, StepKind::Verify, {host.script(QStringLiteral("output-logs.sh"))});
    s.verify.expectVersion = version;
    s.verify.endsOutage = true;
    return s;
}
} // namespace

QStringList Plan::roles() const
{
    QStringList out;
    for (const Step& step : steps) {
        if (!out.contains(step.role))
            out << step.role;
    }
    return out;
}

Plan inPlaceUpgradePlan(const SiteHost& host, const QString& version, const OfflineImage& offline)
{
    Plan plan;
    plan.kind = RunKind::Upgrade;
    plan.approach = Approach::InPlace;
    plan.targetVersion = version;
    const InPlaceSteps s = inPlaceSteps(host, version, offline);
    plan.steps << s.record << s.getImage << s.backup << s.ready << s.stop << s.start << s.verify;
    return plan;
}

Plan phasedUpgradePlan(const SiteHost& nonprod, const SiteHost& prod, const QString& version,
                       bool copyProdData, const OfflineImage& offline, bool keepProdCopy)
{
    Plan plan;
    plan.kind = RunKind::Upgrade;
    plan.approach = Approach::Phased;
    plan.targetVersion = version;
    const QString np = nonprod.role;
    const InPlaceSteps p = inPlaceSteps(prod, version, offline);
    const InPlaceSteps n = inPlaceSteps(nonprod, version, offline);
    // Non-production: what its own rollback needs (image, backup), then the new image.
    plan.steps << n.record << n.backup << n.getImage << n.ready;
    if (copyProdData) {
        Step backup = p.backup;
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
        restore.sourceRole = prod.role;
        restore.keepFile = keepProdCopy;
        restore.startsService = true;
        plan.steps << backup << copy << restore;
    } else {
        Step restart = makeStep(QStringLiteral("restart"),
                                QStringLiteral("Restart non-production (upgrades it)"), np,
                                StepKind::Script, {nonprod.script(QStringLiteral("restart.sh"))});
        restart.startsService = true;
        plan.steps << restart;
    }
    Step verifyNonprod = n.verify;
    verifyNonprod.endsOutage = false; // the outage that counts is production's
    plan.steps << verifyNonprod;
    Step gate = makeStep(QStringLiteral("gate"), QStringLiteral("Go on to production?"), prod.role,
                         StepKind::Gate);
    gate.sourceRole = np;
    plan.steps << gate;
    // Production: the in-place steps, with the image checked before anything stops.
    Step check =
        makeStep(QStringLiteral("check-image"),
                 QStringLiteral("Check production has the image verified on non-production"),
                 prod.role, StepKind::CheckImage);
    check.sourceRole = np;
    plan.steps << p.record << p.getImage << check << p.backup << p.ready << p.stop << p.start
               << p.verify;
    // Step ids name the log files; make them unique per host.
    for (Step& step : plan.steps) {
        if (step.role == np) {
            step.id = QStringLiteral("nonprod-") + step.id;
        }
    }
    return plan;
}

Plan uploadPlan(const SiteHost& host, const OfflineImage& offline)
{
    Plan plan;
    plan.kind = RunKind::Upload;
    plan.approach = Approach::Offline;
    plan.targetVersion = offline.version;
    plan.steps << recordImageStep(host) << offlineImageSteps(host, offline);
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
    // A record is host text: whatever it names, only a backup of this MyST home is restored.
    if (!isInFolder(record.backupPath, host.backupFolder())) {
        *error = QStringLiteral("The recorded backup %1 is not in %2, where MyST Studio's "
                                "backups are: rollback refused. Nothing was changed.")
                     .arg(record.backupPath, host.backupFolder());
        return {};
    }
    if (!isValidImageId(record.previousImageId)) {
        *error = QStringLiteral("The run recorded no previous image for %1: rollback refused. "
                                "Nothing was changed.")
                     .arg(host.role);
        return {};
    }
    Plan plan;
    plan.kind = RunKind::Rollback;
    plan.approach = Approach::Rollback;
    plan.targetVersion = record.previousVersion;
    const QString role = host.role;

    Step check = makeStep(QStringLiteral("check-rollback"),
                          QStringLiteral("Check the previous image and the backup are on the host"),
                          role, StepKind::CheckRollback);
    check.imageId = record.previousImageId;
    check.backupPath = record.backupPath;
    check.backupSha256 = record.backupSha256;
    check.backupSize = record.backupSize;
    Step retag = makeStep(QStringLiteral("retag"),
                          QStringLiteral("Re-tag the previous image as myst-studio"), role,
                          StepKind::RetagImage, DockerCli::tag(host, record.previousImageId));
    retag.imageId = record.previousImageId;
    Step restore = makeStep(QStringLiteral("restore"),
                            QStringLiteral("Restore the database backup"), role, StepKind::Script,
                            {host.script(QStringLiteral("update-database.sh")), record.backupPath});
    restore.startsOutage = true;
    restore.startsService = true;
    Step restart = makeStep(QStringLiteral("restart"), QStringLiteral("Restart MyST Studio"), role,
                            StepKind::Script, {host.script(QStringLiteral("restart.sh"))});
    restart.startsService = true;
    Step verify = makeStep(QStringLiteral("verify"),
                           QStringLiteral("Verify MyST Studio %1")
                               .arg(record.previousVersion.isEmpty() ? QStringLiteral("(previous)")
                                                                     : record.previousVersion),
                           role, StepKind::Verify, {host.script(QStringLiteral("output-logs.sh"))});
    verify.expectVersion = record.previousVersion;
    verify.imageId = record.previousImageId; // myst-studio must point at it again
    verify.endsOutage = true;
    // The backup is hashed once, as late as it can be while nothing has changed yet: only the
    // re-tag (a second) lies between this check and the restore, and a refusal leaves the host
    // as it was. (The upgrade's readiness check hashed it the first time.)
    Step unchanged = makeStep(QStringLiteral("check-backup"),
                              QStringLiteral("Check the backup is the recorded file (SHA-256)"),
                              role, StepKind::CheckBackup);
    unchanged.backupPath = check.backupPath;
    unchanged.backupSha256 = check.backupSha256;
    unchanged.backupSize = check.backupSize;
    plan.steps = {check, unchanged, retag, restore, restart, verify};
    return plan;
}

} // namespace myst

namespace myst {

namespace {
// The switch to `to` and what follows it, shared by the upgrade and `switch`.
QList<Step> switchSteps(const Site& site, const QString& to, const QString& version)
{
    const BlueGreen& bg = site.blueGreen;
    const SiteHost target = site.hosts.value(to);
    QList<Step> steps;
    Step sw = makeStep(QStringLiteral("switch"),
                       bg.manualSwitch ? QStringLiteral("Switch traffic to %1 (by hand)").arg(to)
                                       : QStringLiteral("Switch traffic to %1").arg(to),
                       to, StepKind::SwitchTraffic,
                       bg.manualSwitch ? QStringList{} : bg.switchArgv(to, target.endpoint.host));
    sw.sourceRole = BlueGreen::otherRole(to);
    sw.expectVersion = version;
    steps << sw;
    if (!bg.serviceUrl.isEmpty()) {
        Step check =
            makeStep(QStringLiteral("verify-switch"),
                     QStringLiteral("Check %1 serves %2").arg(bg.serviceUrl.toString(), to), to,
                     StepKind::VerifySwitch);
        check.expectVersion = version;
        steps << check;
    }
    Step record =
        makeStep(QStringLiteral("record-active"),
                 QStringLiteral("Record %1 as the active instance (site and both hosts)").arg(to),
                 to, StepKind::RecordActive);
    record.sourceRole = BlueGreen::otherRole(to);
    steps << record;
    return steps;
}

Step checkActiveStep(const QString& active)
{
    Step check = makeStep(QStringLiteral("check-active"),
                          QStringLiteral("Check both hosts record %1 as active").arg(active),
                          active, StepKind::CheckActive);
    check.sourceRole = BlueGreen::otherRole(active);
    return check;
}
} // namespace

Plan zeroDowntimePlan(const Site& site, const QString& active, const QString& version,
                      const OfflineImage& offline)
{
    Plan plan;
    plan.kind = RunKind::Upgrade;
    plan.approach = Approach::ZeroDowntime;
    plan.targetVersion = version;
    const QString idle = BlueGreen::otherRole(active);
    const SiteHost a = site.hosts.value(active);
    const SiteHost i = site.hosts.value(idle);
    const InPlaceSteps n = inPlaceSteps(i, version, offline);
    plan.steps << checkActiveStep(active);
    // The idle instance: what its own rollback needs (image, backup), then the new image.
    plan.steps << n.record << n.backup << n.getImage << n.ready;
    const bool readOnly = site.blueGreen.readOnly;
    if (readOnly) {
        Step on = makeStep(
            QStringLiteral("read-only-on"),
            QStringLiteral("Make %1 read-only (writes refused until it is off)").arg(active),
            active, StepKind::ReadOnly,
            DockerCli::dbReadOnly(a, true, site.blueGreen.readOnlyMaxSeconds));
        on.startsOutage = true; // this approach's outage: writes refused
        plan.steps << on;
    }
    Step backup =
        makeStep(QStringLiteral("backup-for-copy"),
                 QStringLiteral("Back up %1's database for %2 (changes on %1 after "
                                "this are lost)")
                     .arg(active, idle),
                 active, StepKind::Backup, {a.script(QStringLiteral("backup-database.sh"))});
    Step copy = makeStep(QStringLiteral("copy-backup"),
                         QStringLiteral("Copy %1's backup to %2").arg(active, idle), idle,
                         StepKind::CopyBackup);
    copy.sourceRole = active;
    Step restore = makeStep(
        QStringLiteral("restore-copy"),
        QStringLiteral("Restore %1's data on %2 (restarts it, upgrades)").arg(active, idle), idle,
        StepKind::RestoreCopy, {i.script(QStringLiteral("update-database.sh"))});
    restore.sourceRole = active;
    restore.keepFile = true; // the idle instance's data from now on: its backup
    restore.startsService = true;
    plan.steps << backup << copy << restore;
    if (readOnly) {
        Step off = makeStep(QStringLiteral("read-only-off"),
                            QStringLiteral("Turn %1's read-only mode off").arg(active), active,
                            StepKind::ReadOnly, DockerCli::dbReadOnly(a, false));
        off.endsOutage = true;
        plan.steps << off;
    }
    plan.steps << n.verify; // endsOutage there only counts after a start: no outage step before
    plan.steps.last().endsOutage = false;
    if (!site.blueGreen.manualSwitch) {
        Step gate = makeStep(QStringLiteral("gate"),
                             QStringLiteral("Switch traffic from %1 to %2?").arg(active, idle),
                             idle, StepKind::Gate);
        gate.sourceRole = active;
        plan.steps << gate;
    }
    plan.steps << switchSteps(site, idle, version);
    return plan;
}

Plan switchPlan(const Site& site, const QString& toRole)
{
    Plan plan;
    plan.kind = RunKind::Switch;
    plan.approach = Approach::ZeroDowntime;
    const QString from = BlueGreen::otherRole(toRole);
    const SiteHost to = site.hosts.value(toRole);
    plan.steps << checkActiveStep(from);
    Step verify = makeStep(QStringLiteral("verify"),
                           QStringLiteral("Check MyST Studio on %1 answers").arg(toRole), toRole,
                           StepKind::Verify, {to.script(QStringLiteral("output-logs.sh"))});
    plan.steps << verify << switchSteps(site, toRole, {});
    return plan;
}

} // namespace myst
