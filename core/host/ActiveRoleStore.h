#pragma once

#include "core/ssh/HostSession.h"

#include <QString>

namespace myst {

// Which instance of a blue/green pair serves, as recorded on a host:
// <MyST home>/.myst-upgrade/active.json, {"active": "green", "runId": …, "at": …}, written
// atomically (temporary file, mv). A file of its own rather than a field of HostRunRecord:
// the active role belongs to the pair, not to one run; a `switch` changes it without an
// upgrade, and a run reads it in one small command before anything else, whatever records the
// host keeps or prunes.
namespace ActiveRoleStore {

QString filePath(const QString& mystHome);

struct ReadResult
{
    bool ok = false; // the host answered (a missing file is ok, active empty)
    QString active;  // "blue", "green", or empty: never recorded
    QString runId;   // the run that recorded it
    QString error;
};
ReadResult read(HostSession& session, const QString& mystHome);
bool write(HostSession& session, const QString& mystHome, const QString& active,
           const QString& runId, QString* error);

} // namespace ActiveRoleStore

} // namespace myst
