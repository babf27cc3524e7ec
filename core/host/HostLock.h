#pragma once

#include "core/ssh/HostSession.h"

#include <QString>

namespace myst {

// Who holds a host: one line in <MyST home>/.myst-upgrade/lock,
// "run=<id> user=<name> from=<computer> pid=<n> since=<UTC time>".
struct LockHolder
{
    QString runId;
    QString user;
    QString from;
    QString pid;
    QString since;

    static LockHolder me(const QString& runId); // this process, now
    QString line() const;
    static LockHolder parse(const QString& line);
    QString describe() const; // "run 2026…, alice on laptop (pid 4242) since 10:02 UTC"
};

struct LockResult
{
    bool ok = false;
    LockHolder holder; // when refused: who has it
    QString message;
};

// A lock on a MyST host, so that two wizards never upgrade one host at once. Taken with
// noclobber (atomic create) before a run changes anything there; the same run takes it again
// after a reconnect or a resume; a rollback may take over the lock of the run it undoes.
// Kept when a run is interrupted (its step may still be running on the host), released when
// a run ends. Blocking: call on the connection's worker thread.
class HostLock
{
public:
    static QString path(const QString& mystHome);
    static LockResult acquire(HostSession& host, const QString& mystHome, const LockHolder& me,
                              const QString& mayTakeOverRun = {});
    static void release(HostSession& host, const QString& mystHome, const QString& runId);
    // Deliberately breaks a stale lock; says who held it.
    static LockResult breakLock(HostSession& host, const QString& mystHome);
    static LockResult breakLock(SshConnection& connection, const QString& mystHome)
    {
        SshHostSession host(connection);
        return breakLock(host, mystHome);
    }
};

} // namespace myst
