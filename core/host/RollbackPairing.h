#pragma once

#include "core/host/HostInventory.h"

#include <QDateTime>
#include <QString>

namespace myst {

// What a rollback would put back on a host: an image and a database backup, where the pair
// comes from, and what the rollback loses. Made from a host record, from an operator's explicit
// choice, or proposed from what docker and the backup folder show when there is no record.
struct RollbackPairing
{
    bool ok = false;        // an image and a backup to roll back to
    bool ambiguous = false; // not ok because more than one answer fits: never guessed
    QString imageId;
    QString version;
    QString backupPath;
    QDateTime backupTime;
    qint64 backupSize = -1;
    QString backupSha256; // from a record: what the restore checks the file against
    QString runId;        // the record it comes from, if any
    QString why;          // how it was chosen, or why there is none
    QString loses;        // "everything changed since <time>", and later upgrades undone
    QStringList undone;   // later upgrades this rollback also undoes: "run X (2.0.0 → 3.0.0)"
    bool hostChangedSince = false; // from a record: the host was changed after it, unrecorded
    QString undoneBy; // from a record: the rollback that already undid it (restoring it again)

    // What the Journal's record of it is, for rollbackPlan.
    HostRecord asRecord() const;
};

namespace Pairing {

// The guide's pairing, for an upgrade done by hand: the image that ran before the current one
// (the newest MyST Studio version below the one tagged myst-studio) and the newest backup taken
// before the current image first started (its container's creation). Ambiguous, and said so,
// when two images share that version, an image's version is unknown, or the start is unknown.
RollbackPairing propose(const HostInventory& inventory);

// `previous` with the newest non-empty backup taken before `current` first started (its running
// container's creation); `imageReason` says why `previous`.
RollbackPairing withBackupBefore(const HostInventory& inventory, const DiscoveredImage& current,
                                 const DiscoveredImage& previous, const QString& imageReason);

// The pairing a host record gives; `loses` also names the later upgrades that a rollback to an
// earlier one undoes (records newest first).
RollbackPairing fromRecord(const HostRunRecord& record, const QList<HostRunRecord>& records);

// What myst-studio is now when no record on the host accounts for it (no run installed it,
// replaced it or aimed at its version): the host was changed by hand after its records, and a
// rollback from a record would undo that too. Empty when accounted for, or with no records.
QString unrecordedChange(const HostInventory& inventory);

// fromRecord, with what the host shows now: an unrecorded change is named among `undone`.
RollbackPairing fromRecordOnHost(const HostRunRecord& record, const HostInventory& inventory);

// An operator's choice, checked on the host before anything changes: the image is there (by ID
// or name; its ID and version are read), the backup is a readable, non-empty file. Not ok with
// the reason otherwise. Nothing on the host changes.
RollbackPairing explicitChoice(HostSession& session, const SiteHost& host, const QString& image,
                               const QString& backupPath);

// The best pairing the host suggests: from its newest record that can be rolled back, unless
// the host changed since without a record; else proposed from its images and backups.
RollbackPairing best(const HostInventory& inventory);

QString describeTime(const QDateTime& t); // "2026-12-01 10:15 UTC"

// "run R (1.0.0 → 2.0.0), was already rolled back by run U (2026-12-01 10:15 UTC)": why the
// newest upgrade is not rolled back again unless its run is named.
QString describeUndone(const HostRunRecord& upgrade, const HostRunRecord& rollback);

// A record's status as a person reads it: "succeeded", or "succeeded, rolled back on
// 2026-12-01 10:15 UTC" when a rollback recorded on the host since undid it. A bare
// "succeeded" beside an upgrade that was undone would read as what runs now.
QString describeStatus(const HostRunRecord& record, const QList<HostRunRecord>& records);

} // namespace Pairing

} // namespace myst
