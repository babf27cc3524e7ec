#pragma once

#include <QJsonValue>
#include <QString>

#include <optional>

namespace myst {

// What a step does; each kind has its executor in core/run/steps/. Journals store the name,
// so that the order here can change; a journal written before names were stored (its kind a
// number in the order of that time) still loads (stepKindFromJson).
enum class StepKind
{
    RecordImage,   // docker image inspect myst-studio → previous image ID, tags, version
    Script,        // one of the guide's scripts, its output shown line by line
    Backup,        // backup-database.sh → "Backed up to <path>", then checked on the host
    Verify,        // output-logs.sh until the start-up marker (no error lines) + console version
    CheckRollback, // the recorded image and backup are still on the host (read-only)
    RetagImage,    // docker tag <recorded image ID> myst-studio
    CopyBackup,    // the source role's recorded backup → this role, through this machine
    RestoreCopy,   // update-database.sh <the copied backup> (restarts, upgrades)
    CheckImage,    // this role's myst-studio is the image verified on the source role
    Gate,          // the operator decides to go on (the CLI: --yes)
    UploadImage,   // offline: the archive → <image directory>/<name>, resumable, sha256 checked
    LoadImage, // offline: import.sh <archive>, else docker load -i + docker tag <ID> myst-studio
    CheckReadiness, // before the service changes: what rollback needs is there, and free disk
    CheckActive,    // blue/green: both hosts' active.json agree with the site's "active"
    ReadOnly,       // blue/green: docker exec myststudio_db mysql … read_only ON (or OFF)
    SwitchTraffic,  // blue/green: the switch command on this computer, or the manual gate
    VerifySwitch,   // blue/green: the service URL shows the new active instance's version
    RecordActive,   // blue/green: the new active role in active.json on both hosts and the site
    CheckBackup,    // right before a restore: the backup's size and SHA-256 are the recorded ones
};

QString stepKindName(StepKind kind); // "record-image", "script", …
std::optional<StepKind> stepKindFromName(const QString& name);
// A journal's "kind": a name, or the number an older journal wrote.
std::optional<StepKind> stepKindFromJson(const QJsonValue& value);

} // namespace myst
