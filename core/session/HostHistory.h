#pragma once

#include "core/host/RollbackPairing.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"
#include "core/ssh/SshConnection.h"

#include <QString>

namespace myst {

// What one host knows for a rollback from any laptop: its records, its images and backups,
// and the pairing they suggest; or, for an operator's explicit choice, that choice checked on
// the host. The CLI's history and rollback commands and the wizard's Start page read it the
// same way.
struct HostHistory
{
    SshStatus connection;
    HostInventory inventory;
    RollbackPairing pairing; // the best one (a record's, else proposed), or the explicit choice

    // Blocking (libssh): call it on a worker thread (runInBackground). Connects, reads; with
    // `image` and `backupPath` checks that choice instead of proposing one. Changes nothing.
    static HostHistory read(const SiteHost& host, const SshAuth& auth, const QString& image = {},
                            const QString& backupPath = {});
};

namespace RunSession {

// The rollback of `role` from a host record, chosen by run ID (empty: the newest upgrade that
// can be rolled back). Refused, with the reason, when a record on the host failed validation
// and could be the one meant (a tampered record is never skipped over silently).
bool planRollbackFromHost(const Site& site, const QString& role, const HostHistory& history,
                          const QString& runId, Plan* plan, RollbackPairing* pairing,
                          QString* error);

// The rollback of `role` to a pairing already checked (explicit, or proposed and accepted).
bool planRollbackTo(const Site& site, const QString& role, const RollbackPairing& pairing,
                    Plan* plan, QString* error);

} // namespace RunSession

} // namespace myst
