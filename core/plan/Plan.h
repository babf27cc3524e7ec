#pragma once

#include "core/plan/StepKind.h"
#include "core/site/Site.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace myst {

struct HostRecord;
struct ImageArchive;

// An offline image: a `docker save` archive on this computer, already read and checked
// locally (ImageArchive), to be used in place of pull.sh.
struct OfflineImage
{
    QString localPath;
    QString imageId;    // what docker load will give it: the sha256 of its config blob
    QString manifestId; // or, in docker's containerd image store, its manifest's (ImageArchive)
    QString version;
    QStringList repoTags;
    qint64 size = 0;
    int layers = 0;

    bool isSet() const { return !localPath.isEmpty(); }
    static OfflineImage from(const ImageArchive& archive);
};

// The version an offline upgrade installs: the archive's, which must agree with the one asked
// for, if any. False with a message when they differ or neither is known.
bool offlineVersion(const OfflineImage& image, const QString& asked, QString* version,
                    QString* error);

// One step of the guide on one host, with the exact command it runs.
struct Step
{
    QString id; // stable within a plan: "pull", "backup", …; names the step's log file
    QString title;
    QString role;
    StepKind kind = StepKind::Script;
    QStringList argv; // the command, argument by argument; quoted once, when run
    bool startsOutage = false;
    bool endsOutage = false;
    bool startsService = false; // (re)starts MyST Studio: the boot a later verify reads
    QString expectVersion;      // Verify: what the console must show
    QString imageId;            // CheckRollback, RetagImage; LoadImage: the archive's config
    QString manifestId;         // LoadImage: the archive's manifest digest (may be empty)
    QString backupPath;         // CheckRollback, CheckBackup
    QString backupSha256;       // CheckRollback, CheckBackup: what the backup must still be
    qint64 backupSize = -1;     // (both as the run that took it recorded; -1/empty: unknown)
    QString sourceRole;         // CopyBackup, CheckImage: the other host
    QString localPath;          // UploadImage: the archive on this computer
    QString remotePath;         // UploadImage: the folder on the host; LoadImage: the archive there
    bool keepFile = false; // RestoreCopy: keep the copy of the other host's backup once restored

    QString commandText() const; // exactly what is sent to the host (for `plan` and the log)
};

struct Plan
{
    QString kind; // RunKind: upgrade, rollback or upload (core/journal/RunNames.h)
    // Approach: in-place, phased; offline for an upload, rollback for a rollback
    QString approach;
    QString targetVersion;
    QList<Step> steps;

    // The hosts it works on, in the order it first reaches them.
    QStringList roles() const;
};

// A plan as the journal keeps it, so that an interrupted run can be resumed exactly as it was
// planned, whatever happened to the site file since. fromJson validates every command
// argument again: a journal is a file someone could have edited.
QJsonObject planToJson(const Plan& plan); // PlanJson.cpp
std::optional<Plan> planFromJson(const QJsonObject& json, QString* error);

// The plan builders (PlanBuilders.cpp).

// The guide's in-place upgrade, decomposed (DESIGN §3): record, pull, backup, stop, start,
// verify. The version must already be validated.
// With an offline image, upload and load replace pull.sh.
Plan inPlaceUpgradePlan(const SiteHost& host, const QString& version,
                        const OfflineImage& offline = {});

// The guide's phased upgrade: non-production first (optionally with a copy of production's
// data), verified, then an operator gate, then the in-place steps on production, which start
// only when production pulled the very image verified on non-production.
// With the copy, production's data is removed from non-production once restored there, unless
// keepProdCopy.
Plan phasedUpgradePlan(const SiteHost& nonprod, const SiteHost& prod, const QString& version,
                       bool copyProdData, const OfflineImage& offline = {},
                       bool keepProdCopy = false);

// `myst-upgrade upload`: record the current image (so the tag change can be undone), upload
// the archive, load it and tag it myst-studio. Nothing is stopped or restarted.
Plan uploadPlan(const SiteHost& host, const OfflineImage& offline);

// The guide's zero-downtime upgrade (blue/green), from `active` (the instance that serves) to
// the other one, the idle instance: its own record and backup, the new image, then (with
// blueGreen.readOnly) the active instance read-only, its backup copied to the idle one and
// restored there (which upgrades it), read-only off again, the idle instance verified, the
// switch (a gate first when it is a command; the manual switch is a gate itself), the switch
// verified on the service URL when the site has one, and the new active role recorded.
Plan zeroDowntimePlan(const Site& site, const QString& active, const QString& version,
                      const OfflineImage& offline = {});

// `myst-upgrade switch`: traffic to `toRole` on its own: the hosts agree with the site, the
// instance switched to answers, the switch, its check, and the record.
Plan switchPlan(const Site& site, const QString& toRole);

// The guide's rollback from what a run recorded: check the image and backup are there, re-tag
// the previous image, restore the backup, restart, verify the previous version. Empty with an
// error when the record lacks what rollback needs.
Plan rollbackPlan(const SiteHost& host, const HostRecord& record, QString* error);

} // namespace myst
