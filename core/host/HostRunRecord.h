#pragma once

#include "core/journal/Journal.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace myst {

// What one run did to one host, as the host itself keeps it, so that any laptop (a colleague's,
// a new one) can roll back without the journal of the laptop that ran it. The laptop's journal
// stays the wizard's primary record; this is its copy on the host, written by HostRecordStore
// at the moment each fact is captured. No secrets, no commands: names, times, image IDs, paths.
//
// File: <MyST home>/.myst-upgrade/records/<run ID>.json (folder 0700, file 0600), one JSON
// object (format version 1; a reader refuses a newer major version):
//
//   { "format": "myst-upgrade-host-record", "version": 1,
//     "runId": "20261201-101500-1a2b", "kind": "upgrade" | "rollback" | "upload",
//     "rollbackOf": "<run ID>" (rollback), "status": "running" | "succeeded" | …,
//     "approach": "in-place", "targetVersion": "2.0.0", "role": "prod",
//     "user": "alice", "from": "alice-laptop",
//     "started": ISO 8601 UTC, "finished": …, "updated": …,
//     "previous": { "imageId": "sha256:<64 hex>", "tags": [...], "version": "1.0.0" },
//     "backup": { "path": "/u01/myst-studio/backup/…sql", "size": 1234, "sha256": "<64 hex>",
//                 "time": ISO 8601 UTC (the file's modification time) },
//     "newImageId": "sha256:…" (upgrade: what it installed; rollback: what it put back),
//     "steps": [ { "id": "backup", "title": "…", "status": "succeeded",
//                  "started": …, "finished": … }, … ] }
//
// Blue/green (issue 6) may add fields (e.g. an active role); readers ignore what they do not
// know, so that is a minor change within version 1.
struct HostRunRecord
{
    static constexpr int FormatVersion = 1;

    struct StepStatusLine
    {
        QString id;
        QString title;
        QString status;
        QDateTime started;
        QDateTime finished;
        int attempts = 1; // more after a Retry
        QString decision; // the operator's, after it failed: "accept by ana@laptop at …: …"
    };

    QString runId;
    QString kind;
    QString rollbackOf;
    QString status;
    QString approach;
    QString targetVersion;
    QString role;
    QString user;
    QString from;
    QDateTime started;
    QDateTime finished;
    QDateTime updated;
    QString previousImageId;
    QStringList previousTags;
    QString previousVersion;
    QString backupPath;
    qint64 backupSize = -1;
    QString backupSha256;
    QDateTime backupTime;
    QString newImageId;
    QList<StepStatusLine> steps;

    // The facts of `role` in a run's journal, with who and where this process runs.
    static HostRunRecord fromJournal(const Journal& journal, const QString& role);
    QJsonObject toJson() const;
    // Reads a record back and checks every value that a rollback would send to the host (a
    // record is a file anyone with the login could edit): run IDs, image digests, the backup
    // path, the version. Empty with the reason on anything else.
    static std::optional<HostRunRecord> fromJson(const QJsonObject& json, QString* error);

    // What rollbackPlan needs, as the journal holds it.
    HostRecord rollbackRecord() const;
    // An upgrade that recorded both what ran before and a backup: something to roll back to.
    bool canRollBack() const;
};

} // namespace myst
