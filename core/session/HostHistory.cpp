#include "core/session/HostHistory.h"

#include "core/ssh/HostSession.h"

namespace myst {

HostHistory HostHistory::read(const SiteHost& host, const SshAuth& auth, const QString& image,
                              const QString& backupPath)
{
    HostHistory h;
    SshConnection connection(host.endpoint);
    h.connection = connection.open(auth);
    if (!h.connection.ok())
        return h;
    SshHostSession session(connection);
    if (!image.isEmpty() || !backupPath.isEmpty()) {
        h.pairing = Pairing::explicitChoice(session, host, image, backupPath);
        return h;
    }
    h.inventory = HostInventory::read(session, host);
    h.pairing = Pairing::best(h.inventory);
    return h;
}

namespace RunSession {

bool planRollbackFromHost(const Site& site, const QString& role, const HostHistory& history,
                          const QString& runId, Plan* plan, RollbackPairing* pairing,
                          QString* error)
{
    const HostRecordStore::ReadResult& records = history.inventory.records;
    if (!records.ok) {
        *error = records.error;
        return false;
    }
    const QString wanted = runId + QStringLiteral(".json");
    for (const QString& refused : records.refused) {
        // A refused record may be the newest one, or the one asked for: never roll back past it.
        if (runId.isEmpty() || refused.contains(QLatin1Char('/') + wanted + QLatin1Char(':'))) {
            *error = QStringLiteral("A record on the host was refused: %1. It may have been "
                                    "tampered with; nothing was run. Check the file, or name "
                                    "what to restore with --image IMAGE --backup PATH.")
                         .arg(refused);
            return false;
        }
    }
    const HostRunRecord* record = HostRecordStore::pick(records.records, runId, error);
    if (!record)
        return false;
    *pairing = Pairing::fromRecordOnHost(*record, history.inventory);
    // Undone already: a second rollback would restore its backup again and lose everything
    // written since the first, which is seldom what "roll back the last upgrade" means.
    const HostRunRecord* undone = HostRecordStore::undoneBy(records.records, record->runId);
    if (runId.isEmpty() && undone) {
        *error = QStringLiteral("The newest upgrade recorded on the host, %1: nothing was run. "
                                "Rolling it back again would restore its backup once more and "
                                "lose everything written since. See `myst-upgrade history`, then "
                                "name the run (--run RUN_ID) to do that or to undo an earlier "
                                "upgrade.")
                     .arg(Pairing::describeUndone(*record, *undone));
        return false;
    }
    if (runId.isEmpty() && pairing->hostChangedSince) {
        *error = QStringLiteral("The host changed after its last record (%1), so its newest "
                                "record is not the last change: nothing was run. See "
                                "`myst-upgrade history`, then name the run (--run RUN_ID) or what "
                                "to restore (--image IMAGE --backup PATH).")
                     .arg(Pairing::unrecordedChange(history.inventory));
        return false;
    }
    return planRollbackTo(site, role, *pairing, plan, error);
}

bool planRollbackTo(const Site& site, const QString& role, const RollbackPairing& pairing,
                    Plan* plan, QString* error)
{
    if (!site.hosts.contains(role)) {
        *error = QStringLiteral("the site file has no host with role \"%1\"").arg(role);
        return false;
    }
    if (!pairing.ok) {
        *error = pairing.why;
        return false;
    }
    *plan = rollbackPlan(site.hosts.value(role), pairing.asRecord(), error);
    return !plan->steps.isEmpty();
}

} // namespace RunSession

} // namespace myst
