#include "core/plan/Plan.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/ImageArchive.h"
#include "core/journal/Journal.h"

#include <QJsonArray>
#include <QRegularExpression>

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

OfflineImage OfflineImage::from(const ImageArchive& archive)
{
    OfflineImage image;
    image.localPath = archive.path;
    image.imageId = archive.imageId;
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

QJsonObject planToJson(const Plan& plan)
{
    QJsonArray steps;
    for (const Step& s : plan.steps) {
        steps.append(QJsonObject{{QStringLiteral("id"), s.id},
                                 {QStringLiteral("title"), s.title},
                                 {QStringLiteral("role"), s.role},
                                 {QStringLiteral("kind"), int(s.kind)},
                                 {QStringLiteral("argv"), QJsonArray::fromStringList(s.argv)},
                                 {QStringLiteral("startsOutage"), s.startsOutage},
                                 {QStringLiteral("endsOutage"), s.endsOutage},
                                 {QStringLiteral("expectVersion"), s.expectVersion},
                                 {QStringLiteral("imageId"), s.imageId},
                                 {QStringLiteral("backupPath"), s.backupPath},
                                 {QStringLiteral("sourceRole"), s.sourceRole},
                                 {QStringLiteral("localPath"), s.localPath},
                                 {QStringLiteral("remotePath"), s.remotePath},
                                 {QStringLiteral("keepFile"), s.keepFile}});
    }
    return {{QStringLiteral("kind"), plan.kind},
            {QStringLiteral("approach"), plan.approach},
            {QStringLiteral("targetVersion"), plan.targetVersion},
            {QStringLiteral("steps"), steps}};
}

std::optional<Plan> planFromJson(const QJsonObject& json, QString* error)
{
    Plan plan;
    plan.kind = json.value(QStringLiteral("kind")).toString();
    plan.approach = json.value(QStringLiteral("approach")).toString();
    plan.targetVersion = json.value(QStringLiteral("targetVersion")).toString();
    const QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
    if (steps.isEmpty()) {
        *error = QStringLiteral("the journal holds no plan to resume (written by an older "
                                "version?)");
        return std::nullopt;
    }
    static const QRegularExpression word(QStringLiteral("^[a-z0-9-]{1,40}$"));
    for (const QJsonValue& v : steps) {
        const QJsonObject o = v.toObject();
        Step s;
        s.id = o.value(QStringLiteral("id")).toString();
        s.title = o.value(QStringLiteral("title")).toString();
        s.role = o.value(QStringLiteral("role")).toString();
        const int kind = o.value(QStringLiteral("kind")).toInt(-1);
        for (const QJsonValue& a : o.value(QStringLiteral("argv")).toArray())
            s.argv << a.toString();
        s.startsOutage = o.value(QStringLiteral("startsOutage")).toBool();
        s.endsOutage = o.value(QStringLiteral("endsOutage")).toBool();
        s.expectVersion = o.value(QStringLiteral("expectVersion")).toString();
        s.imageId = o.value(QStringLiteral("imageId")).toString();
        s.backupPath = o.value(QStringLiteral("backupPath")).toString();
        s.sourceRole = o.value(QStringLiteral("sourceRole")).toString();
        s.localPath = o.value(QStringLiteral("localPath")).toString();
        s.remotePath = o.value(QStringLiteral("remotePath")).toString();
        s.keepFile = o.value(QStringLiteral("keepFile")).toBool();
        // Commands are quoted when run, but a journal is a file: the executable must be an
        // absolute plain path or docker, and every value that reaches a host must be plain.
        const QString program = s.argv.value(0);
        const bool programOk =
            s.argv.isEmpty() || program == QLatin1String("docker") || isSafeAbsolutePath(program);
        const bool valuesOk = (s.imageId.isEmpty() || isValidImageId(s.imageId)) &&
                              (s.backupPath.isEmpty() || isSafeAbsolutePath(s.backupPath)) &&
                              (s.remotePath.isEmpty() || isSafeAbsolutePath(s.remotePath)) &&
                              (s.expectVersion.isEmpty() || isValidVersion(s.expectVersion));
        if (!word.match(s.id).hasMatch() || !word.match(s.role).hasMatch() || kind < 0 ||
            kind > int(StepKind::CheckReadiness) || !programOk || !valuesOk) {
            *error = QStringLiteral("the journal's plan has a step that is not valid (\"%1\"); "
                                    "it was edited or damaged, so it is not resumed")
                         .arg(s.id.left(40));
            return std::nullopt;
        }
        s.kind = StepKind(kind);
        plan.steps << s;
    }
    return plan;
}

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
        return shellCommand(argv) + QStringLiteral(" <the copied backup>") +
               (keepFile ? QString() : QStringLiteral("; then rm -f <the copied backup>"));
    case StepKind::CheckImage:
        return QStringLiteral(
                   "docker image inspect myst-studio  (must be the image verified on %1)")
            .arg(sourceRole);
    case StepKind::Gate:
        return QStringLiteral("(the operator confirms)");
    case StepKind::CheckReadiness:
        return QStringLiteral("docker image inspect <recorded previous image>; test -s "
                              "<recorded backup>; df -Pk %1  (enough free disk)")
            .arg(shellQuote(argv.value(0)));
    case StepKind::UploadImage:
        return QStringLiteral(
                   "upload %1 → %2/%3 (as .part, resumable; sha256 here = sha256sum there)")
            .arg(localPath, remotePath, plainFileName(localPath.section(QLatin1Char('/'), -1)));
    case StepKind::LoadImage:
        return QStringLiteral("%1 %2  (without import.sh: docker load -i %2 && docker tag %3 "
                              "myst-studio)")
            .arg(shellCommand(argv), shellQuote(remotePath), imageId);
    default:
        return shellCommand(argv);
    }
}

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
                    host.role, StepKind::RecordImage,
                    {QStringLiteral("docker"), QStringLiteral("image"), QStringLiteral("inspect"),
                     QStringLiteral("myst-studio")});
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
    plan.kind = QStringLiteral("upgrade");
    plan.approach = QStringLiteral("in-place");
    plan.targetVersion = version;
    const InPlaceSteps s = inPlaceSteps(host, version, offline);
    plan.steps << s.record << s.getImage << s.backup << s.ready << s.stop << s.start << s.verify;
    return plan;
}

Plan phasedUpgradePlan(const SiteHost& nonprod, const SiteHost& prod, const QString& version,
                       bool copyProdData, const OfflineImage& offline, bool keepProdCopy)
{
    Plan plan;
    plan.kind = QStringLiteral("upgrade");
    plan.approach = QStringLiteral("phased");
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
        plan.steps << backup << copy << restore;
    } else {
        plan.steps << makeStep(QStringLiteral("restart"),
                               QStringLiteral("Restart non-production (upgrades it)"), np,
                               StepKind::Script, {nonprod.script(QStringLiteral("restart.sh"))});
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
    plan.kind = QStringLiteral("upload");
    plan.approach = QStringLiteral("offline");
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
