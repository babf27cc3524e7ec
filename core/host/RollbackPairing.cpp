#include "core/host/RollbackPairing.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"
#include "core/journal/RunNames.h"

#include <QVersionNumber>

namespace myst {

HostRecord RollbackPairing::asRecord() const
{
    HostRecord h;
    h.previousImageId = imageId;
    h.previousVersion = version;
    h.backupPath = backupPath;
    h.backupSize = backupSize;
    h.backupSha256 = backupSha256;
    h.backupTime = backupTime;
    return h;
}

namespace Pairing {

namespace {
int compareVersions(const QString& a, const QString& b)
{
    qsizetype ia = 0, ib = 0;
    const QVersionNumber va = QVersionNumber::fromString(a, &ia);
    const QVersionNumber vb = QVersionNumber::fromString(b, &ib);
    const int c = QVersionNumber::compare(va, vb);
    return c != 0 ? c : a.compare(b);
}

QString shortId(const QString& id)
{
    return id.left(19); // "sha256:" + 12, as docker images shows it
}

QString lostSince(const QDateTime& backupTime)
{
    return backupTime.isValid()
               ? QStringLiteral("Everything changed in MyST Studio since the backup (%1) is lost.")
                     .arg(describeTime(backupTime))
               : QStringLiteral("Everything changed in MyST Studio since the backup was taken is "
                                "lost.");
}
} // namespace

QString describeTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
                       : QStringLiteral("unknown time");
}

QString describeUndone(const HostRunRecord& upgrade, const HostRunRecord& rollback)
{
    return QStringLiteral("run %1 (%2 → %3), was already rolled back by run %4 (%5)")
        .arg(upgrade.runId,
             upgrade.previousVersion.isEmpty() ? QStringLiteral("?") : upgrade.previousVersion,
             upgrade.targetVersion, rollback.runId, describeTime(rollback.finished));
}

RollbackPairing propose(const HostInventory& inventory)
{
    RollbackPairing p;
    const DiscoveredImage* current = inventory.tagged();
    if (!current) {
        p.ambiguous = true;
        p.why = QStringLiteral("No image is tagged myst-studio, so the one before it cannot be "
                               "told. Choose an image and a backup.");
        return p;
    }
    if (current->version.isEmpty()) {
        p.ambiguous = true;
        p.why = QStringLiteral("The version of the current image %1 is unknown, so the one before "
                               "it cannot be told. Choose an image and a backup.")
                    .arg(shortId(current->id));
        return p;
    }
    // The image that ran before: the newest version below the current one.
    QList<const DiscoveredImage*> older;
    QStringList unknown;
    for (const DiscoveredImage& image : inventory.images) {
        if (image.id == current->id)
            continue;
        if (image.version.isEmpty())
            unknown << shortId(image.id);
        else if (compareVersions(image.version, current->version) < 0)
            older << &image;
    }
    if (!unknown.isEmpty()) {
        p.ambiguous = true;
        p.why = QStringLiteral("Cannot tell the version of image(s) %1, so which image ran before "
                               "%2 is ambiguous. Choose an image and a backup.")
                    .arg(unknown.join(QStringLiteral(", ")), current->version);
        return p;
    }
    if (older.isEmpty()) {
        p.why = QStringLiteral("The host has no MyST Studio image older than the current one (%1): "
                               "nothing to roll back to.")
                    .arg(current->version);
        return p;
    }
    std::sort(older.begin(), older.end(), [](const DiscoveredImage* a, const DiscoveredImage* b) {
        return compareVersions(a->version, b->version) > 0;
    });
    if (older.size() > 1 && older.at(0)->version == older.at(1)->version) {
        p.ambiguous = true;
        p.why = QStringLiteral("Two images carry version %1 (%2 and %3): which one ran before is "
                               "ambiguous. Choose one.")
                    .arg(older.at(0)->version, shortId(older.at(0)->id), shortId(older.at(1)->id));
        return p;
    }
    const DiscoveredImage* previous = older.first();
    return withBackupBefore(inventory, *current, *previous,
                            QStringLiteral("No record of this upgrade on the host. %1 (%2) is the "
                                           "newest version below the current %3")
                                .arg(shortId(previous->id), previous->version, current->version));
}

RollbackPairing withBackupBefore(const HostInventory& inventory, const DiscoveredImage& current,
                                 const DiscoveredImage& previous, const QString& imageReason)
{
    RollbackPairing p;
    p.imageId = previous.id;
    p.version = previous.version;
    // The backup: the newest taken before the current image first started.
    if (!current.running || !current.containerCreated.isValid()) {
        p.ambiguous = true;
        p.why = QStringLiteral("%1, but MyST Studio is not running, so when %2 first started is "
                               "unknown and so is the backup to restore. Choose a backup.")
                    .arg(imageReason, current.version);
        return p;
    }
    const DiscoveredBackup* chosen = nullptr;
    for (const DiscoveredBackup& b : inventory.backups) {
        if (b.size > 0 && b.time <= current.containerCreated) {
            chosen = &b;
            break; // newest first
        }
    }
    if (!chosen) {
        p.why = QStringLiteral("%1, but no non-empty backup in the backup folder was taken before "
                               "%2 first started (%3): nothing to restore.")
                    .arg(imageReason, current.version, describeTime(current.containerCreated));
        return p;
    }
    p.ok = true;
    p.backupPath = chosen->path;
    p.backupTime = chosen->time;
    p.backupSize = chosen->size;
    p.why = QStringLiteral("%1; %2 is the newest backup taken before %3 first started (%4).")
                .arg(imageReason, chosen->path, current.version,
                     describeTime(current.containerCreated));
    p.loses = lostSince(chosen->time);
    return p;
}

RollbackPairing fromRecord(const HostRunRecord& record, const QList<HostRunRecord>& records)
{
    RollbackPairing p;
    p.runId = record.runId;
    p.imageId = record.previousImageId;
    p.version = record.previousVersion;
    p.backupPath = record.backupPath;
    p.backupTime = record.backupTime.isValid() ? record.backupTime : record.started;
    p.backupSize = record.backupSize;
    p.backupSha256 = record.backupSha256;
    p.ok = record.canRollBack();
    p.why = QStringLiteral("Recorded on the host by run %1 (%2 on %3, %4): before it, %5 ran.")
                .arg(record.runId, record.user, record.from, describeTime(record.started),
                     record.previousVersion.isEmpty() ? shortId(record.previousImageId)
                                                      : record.previousVersion);
    QStringList later;
    QString undoneBefore;
    if (const HostRunRecord* rollback = HostRecordStore::undoneBy(records, record.runId)) {
        p.undoneBy = rollback->runId;
        undoneBefore = QStringLiteral("Run %1 already rolled it back (%2): this restores the "
                                      "same backup again. ")
                           .arg(rollback->runId, describeTime(rollback->finished));
    }
    for (const HostRunRecord& r : records) {
        if (r.runId == record.runId)
            break; // newest first: the rest are older
        if (r.kind == RunKind::Upgrade && r.status == RunStatus::Succeeded &&
            !HostRecordStore::undoneBy(records, r.runId)) // undone already: not undone again
            later << QStringLiteral("run %1 (%2 → %3)")
                         .arg(r.runId,
                              r.previousVersion.isEmpty() ? QStringLiteral("?") : r.previousVersion,
                              r.targetVersion);
    }
    p.loses = undoneBefore + lostSince(p.backupTime);
    p.undone = later;
    if (!later.isEmpty())
        p.loses = QStringLiteral("This is not the last upgrade: it also undoes %1. ")
                      .arg(later.join(QStringLiteral(", "))) +
                  p.loses;
    return p;
}

RollbackPairing explicitChoice(HostSession& session, const SiteHost& host, const QString& image,
                               const QString& backupPath)
{
    RollbackPairing p;
    if (!isValidImageReference(image) || !isSafeAbsolutePath(backupPath)) {
        p.why = !isSafeAbsolutePath(backupPath)
                    ? QStringLiteral("\"%1\" is not a plain absolute path.").arg(backupPath)
                    : QStringLiteral("\"%1\" is not an image ID or name.").arg(image);
        return p;
    }
    const DockerCli::Inspected inspected = DockerCli::inspectImage(session, host, image);
    if (!inspected.image || !isImageDigest(inspected.image->id)) {
        p.why = QStringLiteral("The host has no image %1 (%2).").arg(image, inspected.error);
        return p;
    }
    // A regular file, readable by the login user, not empty: "<size> <mtime>".
    const CapturedOutput stat = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QStringLiteral("[ -f \"$1\" ] && [ -r \"$1\" ] && [ -s \"$1\" ] && "
                                     "stat -c 'myst-stat %s %Y' -- \"$1\""),
                      QStringLiteral("myst-check"), backupPath}));
    const QStringList f =
        stat.stdoutLines.filter(QStringLiteral("myst-stat ")).value(0).split(QLatin1Char(' '));
    if (!stat.result.succeeded() || f.size() != 3) {
        p.why = QStringLiteral("The backup %1 is missing, empty or not readable on the host.")
                    .arg(backupPath);
        return p;
    }
    p.ok = true;
    p.imageId = inspected.image->id;
    p.version = inspected.image->version;
    p.backupPath = backupPath;
    p.backupSize = f.at(1).toLongLong();
    p.backupTime = QDateTime::fromSecsSinceEpoch(f.at(2).toLongLong(), Qt::UTC);
    p.why =
        QStringLiteral("As asked: image %1 (%2), backup %3 (%4 bytes, %5).")
            .arg(shortId(p.imageId),
                 p.version.isEmpty() ? QStringLiteral("version unknown") : p.version, backupPath)
            .arg(p.backupSize)
            .arg(describeTime(p.backupTime));
    p.loses = lostSince(p.backupTime);
    return p;
}

QString describeStatus(const HostRunRecord& record, const QList<HostRunRecord>& records)
{
    const HostRunRecord* rollback = HostRecordStore::undoneBy(records, record.runId);
    if (!rollback)
        return record.status;
    // Its laptop lost mid-run, then rolled back from another one: it runs no more.
    const QString status =
        record.status == RunStatus::Running ? RunStatus::Interrupted : record.status;
    const QDateTime when = rollback->finished.isValid() ? rollback->finished : rollback->updated;
    return QStringLiteral("%1, rolled back on %2").arg(status, describeTime(when));
}

QString unrecordedChange(const HostInventory& inventory)
{
    const DiscoveredImage* current = inventory.tagged();
    const QList<HostRunRecord>& records = inventory.records.records;
    if (!current || records.isEmpty())
        return {};
    for (const HostRunRecord& r : records) {
        if (r.newImageId == current->id || r.previousImageId == current->id ||
            (!r.targetVersion.isEmpty() && r.targetVersion == current->version))
            return {};
    }
    return QStringLiteral("a change made without a record (myst-studio is now %1, %2)")
        .arg(current->version.isEmpty() ? QStringLiteral("version unknown") : current->version,
             shortId(current->id));
}

RollbackPairing fromRecordOnHost(const HostRunRecord& record, const HostInventory& inventory)
{
    RollbackPairing p = fromRecord(record, inventory.records.records);
    const QString change = unrecordedChange(inventory);
    if (change.isEmpty())
        return p;
    p.hostChangedSince = true;
    p.undone << change;
    p.loses = QStringLiteral("It also undoes %1. ").arg(change) + p.loses;
    return p;
}

RollbackPairing best(const HostInventory& inventory)
{
    QString error;
    const HostRunRecord* r = HostRecordStore::pick(inventory.records.records, {}, &error);
    if (!r)
        return propose(inventory);
    const RollbackPairing fromRecord = fromRecordOnHost(*r, inventory);
    const HostRunRecord* undone = HostRecordStore::undoneBy(inventory.records.records, r->runId);
    if (!fromRecord.hostChangedSince && undone) {
        // Proposing it again would restore the same backup and lose what was written since.
        RollbackPairing none;
        none.runId = r->runId;
        none.why = QStringLiteral("The newest upgrade recorded, %1: nothing is proposed. An "
                                  "earlier upgrade can still be rolled back by naming its run.")
                       .arg(describeUndone(*r, *undone));
        return none;
    }
    if (!fromRecord.hostChangedSince)
        return fromRecord;
    // What ran before the unrecorded change: what the newest finished record left running.
    const DiscoveredImage* current = inventory.tagged();
    for (const HostRunRecord& last : inventory.records.records) {
        const DiscoveredImage* left = inventory.image(last.newImageId);
        if (last.status != RunStatus::Succeeded || !left)
            continue;
        if (left->id == current->id)
            break;
        return withBackupBefore(
            inventory, *current, *left,
            QStringLiteral("The host changed after its last record: %1. Run %2 (%3) left %4 (%5) "
                           "running before that")
                .arg(unrecordedChange(inventory), last.runId, last.kind, shortId(left->id),
                     left->version));
    }
    RollbackPairing proposal = propose(inventory);
    proposal.why = QStringLiteral("The host changed after its last record: %1. Proposed from its "
                                  "images and backups instead. ")
                       .arg(unrecordedChange(inventory)) +
                   proposal.why;
    return proposal;
}

} // namespace Pairing

} // namespace myst
