#pragma once

#include "core/host/HostLock.h"
#include "core/journal/Journal.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QMap>
#include <QSet>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace myst {

// The hosts of one run: each connected once, locked before anything changes there (HostLock),
// reopened in place after a drop, unlocked at the run's end. Made through a factory, so that a
// test can run the Runner against scripted hosts. Lives on the run's worker thread.
class HostConnections
{
public:
    using LogLine = std::function<void(OutputStream, const QString&)>;

    HostConnections(const Site& site, const Journal& journal, const std::atomic<bool>& cancel,
                    HostSessionFactory factory);
    ~HostConnections();

    void setAuth(const QString& role, const SshAuth& auth) { m_auth.insert(role, auth); }
    // Connected and locked; reopened if it dropped. Null with *status saying why.
    HostSession* get(const QString& role, SshStatus* status);
    // After a drop during a step: reopens the session in place, with backoff, for up to
    // settings.reconnectSeconds, saying so in the step's log. False when it gave up (or a host
    // key or login problem), with *why.
    bool reconnect(const QString& role, HostSession& host, const LogLine& log, QString* why);
    // The run's end: its locks go, the sessions close (on the thread that used them).
    void releaseAll();
    void closeAll() { m_sessions.clear(); }
    template <typename F> void forEachConnected(F f)
    {
        for (const auto& [role, session] : m_sessions) {
            if (session->isConnected())
                f(role, *session);
        }
    }

    // Whether the host restarted since the run last reached it (its boot ID changed: read at
    // every connection, compared with the last one, or the journal's from before a resume).
    // Said once: the flag is cleared by asking.
    bool takeRestart(const QString& role) { return m_restarted.remove(role) > 0; }
    const QMap<QString, QString>& bootIds() const { return m_bootIds; }

    // The last lock that was refused: which host, and who holds it (LockHolder::describe).
    QString lockedRole() const { return m_lockedRole; }
    QString lockHolder() const { return m_lockHolder; }
    const Site& site() const { return m_site; }

private:
    // A lock left by a run of this computer that has ended: safe to take over.
    bool isStaleOwnLock(const LockHolder& holder) const;
    // After each open: the host's boot ID, and whether it changed.
    void readBootId(const QString& role, HostSession& session);

    const Site& m_site;
    const Journal& m_journal;
    const std::atomic<bool>& m_cancel;
    HostSessionFactory m_factory;
    QMap<QString, SshAuth> m_auth;
    std::map<QString, std::unique_ptr<HostSession>> m_sessions;
    QString m_lockedRole, m_lockHolder;
    QMap<QString, QString> m_bootIds;
    QSet<QString> m_restarted;
};

} // namespace myst
