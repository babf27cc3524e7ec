#pragma once

#include "core/journal/RunNames.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace myst {

enum class StepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Skipped,
    Accepted // failed on a judgement (an error line, no version shown); the operator accepted it
};
QString stepStatusName(StepStatus status);
StepStatus stepStatusFromName(const QString& name);
// Succeeded, or accepted by the operator: the run goes on after it.
inline bool isDone(StepStatus status)
{
    return status == StepStatus::Succeeded || status == StepStatus::Accepted;
}

// An earlier attempt of a step that the operator chose to run again (Retry): how it ended.
struct StepAttempt
{
    StepStatus status = StepStatus::Failed;
    int exitCode = -1;
    QDateTime started;
    QDateTime finished;
    QString logFile;
    QString message;
};

struct StepRecord
{
    QString id;
    QString title;
    QString role;
    QString command;
    StepStatus status = StepStatus::Pending;
    int exitCode = -1;
    QDateTime started;
    QDateTime finished;
    QString logFile;
    QString message;
    // The attempts before this one, oldest first (each Retry adds one), each with its own log.
    QList<StepAttempt> attempts;
    // A failure the operator may accept (Accept and continue): the lines it is about, quoted.
    QStringList judgement;

    // Retry: this attempt goes into `attempts` (with `why` as its message when it has none),
    // and the next one starts afresh with a log of its own, "…/05-start-try2.log" (named after
    // it, the step's detached command on the host is a new one too, never the last attempt's).
    void startAnotherAttempt(const QString& why = {});
    // When the step first started, over all its attempts (the outage counts from there).
    QDateTime firstStarted() const
    {
        return attempts.isEmpty() || !attempts.first().started.isValid() ? started
                                                                         : attempts.first().started;
    }
};

// What the operator chose after a failed step, who and when: kept in the journal, the host's
// record and the report, as the operator's decision.
struct OperatorDecision
{
    QString kind;  // DecisionKind (core/journal/RunNames.h): retry, accept, leave
    int step = -1; // the failed step's index
    QString by;    // account@computer
    QDateTime at;
    QString note; // accept: the lines accepted; leave: what state each host is in

    // Made now, by this computer's account ("ana@laptop").
    static OperatorDecision now(const QString& kind, int step, const QString& note = {});
};

// What a run records of a host as it goes (Runner::captured names them), by name in events.
enum class CaptureKey
{
    PreviousImageId,
    PreviousTags,
    PreviousVersion,
    BackupPath,
    BackupSize,   // bytes, as stat says on the host
    BackupSha256, // as sha256sum says on the host
    BackupTime,   // the file's modification time, ISO 8601 UTC
    NewImageId,
    CopiedBackupPath,
    CopiedBackupSha256,
    UploadedImagePath,
    UploadedImageSha256,
    LoadedImageId,
};
QString captureKeyName(CaptureKey key); // "previousImageId", …: the journal's field names

// What rollback needs, per host.
struct HostRecord
{
    void set(CaptureKey key, const QString& value);

    QString previousImageId;
    QStringList previousTags;
    QString previousVersion;
    QString backupPath;
    qint64 backupSize = -1;
    QString backupSha256;
    QDateTime backupTime;
    QString newImageId;
    QString copiedBackupPath; // phased: production's backup as copied here
    QString copiedBackupSha256;
    QString uploadedImagePath; // offline: the archive as uploaded to the host
    QString uploadedImageSha256;
    QString loadedImageId; // offline: what docker load gave, now tagged myst-studio
};

// One run (an upgrade or a rollback) as a JSON file: runs/<run-id>.json, rewritten atomically
// (temporary file, fsync, rename) after every change, so a crash leaves the last good state.
// It never holds a secret: hosts are stored as the site file names them.
class Journal
{
public:
    QString runId;
    QString kind; // RunKind (core/journal/RunNames.h): upgrade, rollback, upload
    QString approach;
    QString targetVersion;
    QString sitePath;
    QString rollbackOf; // rollback: the run it undoes
    // RunStatus: running, interrupted (may still run on a host), succeeded, failed, cancelled,
    // rolled-back (interrupted, then undone by a rollback)
    QString status = RunStatus::Running;
    QString message;
    QDateTime started;
    QDateTime finished;
    qint64 outageMs = -1;
    QJsonObject hosts;
    QMap<QString, HostRecord> records;
    QList<StepRecord> steps;
    QJsonObject plan; // the plan as run (planToJson), for resume
    qint64 pid = 0;   // the process running it, on...
    QString machine;  // ...this computer: a resume checks that it is gone
    QList<OperatorDecision> decisions;
    // Each host's /proc/sys/kernel/random/boot_id when the run last reached it: a different one
    // later means the host restarted in between.
    QMap<QString, QString> bootIds;

    // Started but not ended: the process running it died, or lost its hosts.
    bool isUnfinished() const
    {
        return status == RunStatus::Running || status == RunStatus::Interrupted;
    }

    static Journal create(const QString& kind);
    QString filePath() const;
    QString logDirectory() const;
    bool save(QString* error) const;

    QJsonObject toJson() const;
    static Journal fromJson(const QJsonObject& json);
    static std::optional<Journal> load(const QString& path, QString* error);
    // The newest run on this site, other than `exceptRunId` and not a rollback, whose record
    // of `role` has a previous image other than `currentImageId`.
    static std::optional<Journal> earlierRecord(const QString& sitePath, const QString& role,
                                                const QString& currentImageId,
                                                const QString& exceptRunId);
    static std::optional<Journal> loadRun(const QString& runId, QString* error);
    static QList<Journal> loadAll(); // newest first
    // The newest upgrade run of the given site file.
    static std::optional<Journal> lastUpgrade(const QString& sitePath);
    // The newest unfinished run of the given site file (any kind); a failed run counts while
    // it is the site's newest run (it was not rolled back or followed by another run): its
    // failed step can be run again (Retry) or accepted.
    static std::optional<Journal> lastUnfinished(const QString& sitePath);
    // Failed and neither rolled back nor succeeded since: what `resume --retry` continues.
    bool isRetryable() const { return status == RunStatus::Failed; }
    // The first step that has not succeeded (nor been accepted); -1 when there is none.
    int firstUndoneStep() const;
    // Whether the process that ran it is still alive on this computer.
    bool ownerIsAlive() const;
};

bool isValidRunId(const QString& runId);

} // namespace myst
