#include "core/run/HostConnections.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/host/HostLock.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>

namespace myst {

HostConnections::HostConnections(const Site& site, const Journal& journal,
                                 const std::atomic<bool>& cancel, HostSessionFactory factory)
    : m_site(site), m_journal(journal), m_cancel(cancel), m_factory(std::move(factory)),
      m_bootIds(journal.bootIds)
{
}

void HostConnections::readBootId(const QString& role, HostSession& session)
{
    // One short command per connection: a host that restarted while a step ran there (a power
    // cut, a kernel panic) has a new boot ID, and what ran there before is gone.
    const CapturedOutput out =
        session.capture(QStringLiteral("cat /proc/sys/kernel/random/boot_id"), 15000);
    const QString id = out.stdoutLines.value(0).trimmed();
    static const QRegularExpression uuid(QStringLiteral("^[0-9a-f-]{32,36}$"));
    if (!out.result.succeeded() || !uuid.match(id).hasMatch())
        return; // not Linux, or not readable: nothing is concluded from it
    const QString before = m_bootIds.value(role);
    if (!before.isEmpty() && before != id) {
        log::runner()->warn("{}: boot ID changed ({} -> {}): the host restarted",
                            role.toStdString(), before.toStdString(), id.toStdString());
        m_restarted.insert(role);
    }
    m_bootIds.insert(role, id);
}

HostConnections::~HostConnections() = default;

HostSession* HostConnections::get(const QString& role, SshStatus* status)
{
    auto it = m_sessions.find(role);
    if (it != m_sessions.end()) {
        // Reopened in place: steps hold references to it.
        if (!it->second->isConnected()) {
            *status = it->second->open(m_auth.value(role));
            if (!status->ok()) {
                return nullptr;
            }
            readBootId(role, *it->second);
        }
        return it->second.get();
    }
    std::unique_ptr<HostSession> session = m_factory(m_site.hosts.value(role).endpoint);
    *status = session->open(m_auth.value(role));
    if (!status->ok()) {
        return nullptr;
    }
    readBootId(role, *session);
    // Before anything changes on the host: no other wizard may be upgrading it.
    const QString mystHome = m_site.hosts.value(role).mystHome;
    LockResult lock = HostLock::acquire(*session, mystHome, LockHolder::me(m_journal.runId),
                                        m_journal.rollbackOf);
    if (!lock.ok && isStaleOwnLock(lock.holder)) {
        // Left by a run of this computer that has ended, but could not release it (its
        // connection was gone at the end): not another wizard, so it is taken over.
        log::runner()->info("taking over the lock of ended run {} on {}",
                            lock.holder.runId.toStdString(), role.toStdString());
        lock = HostLock::acquire(*session, mystHome, LockHolder::me(m_journal.runId),
                                 lock.holder.runId);
    }
    if (!lock.ok) {
        m_lockedRole = role;
        m_lockHolder = lock.holder.describe();
        *status = SshStatus{};
        status->message = QString(lock.message)
                              .replace(QStringLiteral("<site>"), shellQuote(m_journal.sitePath))
                              .replace(QStringLiteral("<role>"), role);
        return nullptr;
    }
    HostSession* raw = session.get();
    m_sessions[role] = std::move(session);
    return raw;
}

bool HostConnections::isStaleOwnLock(const LockHolder& holder) const
{
    if (holder.from != LockHolder::me(m_journal.runId).from || !isValidRunId(holder.runId)) {
        return false;
    }
    QString error;
    const std::optional<Journal> run = Journal::loadRun(holder.runId, &error);
    return run && !run->isUnfinished() && !run->ownerIsAlive();
}

bool HostConnections::reconnect(const QString& role, HostSession& host, const LogLine& log,
                                QString* why)
{
    log(OutputStream::Stderr,
        QStringLiteral("[wizard] the connection to %1 dropped; the step goes on on the host. "
                       "Reconnecting…")
            .arg(role));
    QElapsedTimer clock;
    clock.start();
    const qint64 budgetMs = qint64(m_site.settings.reconnectSeconds) * 1000;
    int delayMs = 500;
    for (int attempt = 1;; ++attempt) {
        for (int waited = 0; waited < delayMs && !m_cancel; waited += 100) {
            QThread::msleep(100);
        }
        if (m_cancel) {
            *why = QStringLiteral("cancelled while reconnecting to %1.").arg(role);
            return false;
        }
        const SshStatus status = host.open(m_auth.value(role));
        if (status.ok()) {
            readBootId(role, host);
            const bool restarted = m_restarted.contains(role);
            log(restarted ? OutputStream::Stderr : OutputStream::Stdout,
                QStringLiteral("[wizard] reconnected to %1 (attempt %2, after %3 s); %4")
                    .arg(role)
                    .arg(attempt)
                    .arg(clock.elapsed() / 1000.0, 0, 'f', 1)
                    .arg(restarted ? QStringLiteral("the host restarted meanwhile (its boot ID "
                                                    "changed): the step is not followed there")
                                   : QStringLiteral("following the step from where it was")));
            return true;
        }
        if (status.error == SshError::HostKeyChanged || status.error == SshError::HostKeyUnknown ||
            status.error == SshError::Auth) {
            *why = QStringLiteral("the connection to %1 dropped and reconnecting was refused: %2")
                       .arg(role, status.message);
            return false;
        }
        if (clock.elapsed() + delayMs > budgetMs) {
            *why = QStringLiteral("the connection to %1 dropped and it could not be reached "
                                  "again for %2 s (%3).")
                       .arg(role)
                       .arg(m_site.settings.reconnectSeconds)
                       .arg(status.message);
            return false;
        }
        delayMs = qMin(delayMs * 2, 15000);
        // Someone is watching this during an outage: say that it is still trying, and until when.
        log(OutputStream::Stderr,
            QStringLiteral("[wizard] %1 not reachable yet (attempt %2: %3); next try in %4 s, "
                           "%5 s left")
                .arg(role)
                .arg(attempt)
                .arg(status.message)
                .arg(delayMs / 1000.0, 0, 'f', 1)
                .arg((budgetMs - clock.elapsed()) / 1000));
    }
}

void HostConnections::releaseAll()
{
    forEachConnected([this](const QString& role, HostSession& session) {
        HostLock::release(session, m_site.hosts.value(role).mystHome, m_journal.runId);
    });
}

} // namespace myst
