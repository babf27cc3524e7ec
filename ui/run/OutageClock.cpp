#include "ui/run/OutageClock.h"
#include "core/journal/RunNames.h"

#include "ui/run/Durations.h"

namespace myst {

OutageClock::OutageClock(QWidget* parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("outageLabel"));
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &OutageClock::tick);
}

void OutageClock::reset()
{
    m_timer.stop();
    m_since = {};
    clear();
}

void OutageClock::started(const QDateTime& since)
{
    if (!m_since.isValid())
        m_since = since;
    m_timer.start();
    tick();
}

void OutageClock::runStarted()
{
    if (isDown())
        m_timer.start();
}

void OutageClock::ended(qint64 outageMs)
{
    m_timer.stop();
    m_since = {};
    setText(measured(outageMs));
}

void OutageClock::runEnded(const Journal& journal)
{
    if (journal.outageMs >= 0) {
        ended(journal.outageMs);
        return;
    }
    if (!isDown())
        return;
    m_timer.stop();
    tick(); // the figure at the end of the run, as it stays until a rollback starts
    const QString since = formatSeconds(m_since.msecsTo(QDateTime::currentDateTimeUtc()));
    if (journal.status == RunStatus::Interrupted)
        // Say so rather than show a frozen figure: the step goes on on the host.
        setText(tr("<b style='color:#b21818'>MyST Studio was down for %1 when the host "
                   "was lost; it may still be</b>")
                    .arg(since));
    else if (journal.status == RunStatus::Succeeded)
        setText(tr("Outage not measured"));
    else if (m_span != Span::ReadOnlyWindow)
        // A failed or cancelled run: whether MyST Studio is up now (a verify judgement) or down
        // (a failed start) is what the status line says; a frozen "is down" would claim it.
        // Counted from when it went down, which for a rollback after a failed upgrade was
        // that upgrade's stop.
        setText(tr("<b style='color:#b21818'>Not verified: %1 since MyST Studio went down; "
                   "outage not measured</b>")
                    .arg(since));
}

OutageClock::Span OutageClock::spanFor(const Plan& plan)
{
    if (plan.approach == Approach::ZeroDowntime)
        return Span::ReadOnlyWindow;
    return plan.kind == RunKind::Rollback ? Span::RestoreToVerified : Span::StopToVerified;
}

void OutageClock::tick()
{
    if (!isDown())
        return;
    const QString since = formatSeconds(m_since.msecsTo(QDateTime::currentDateTimeUtc()));
    setText(m_span == Span::ReadOnlyWindow
                ? tr("<b style='color:#b21818'>Read-only: writes refused for %1</b>").arg(since)
                : tr("<b style='color:#b21818'>MyST Studio is down: %1</b>").arg(since));
}

QString OutageClock::measured(qint64 ms) const
{
    if (m_span == Span::ReadOnlyWindow)
        return tr("Read-only window: %1 (writes refused; no outage)").arg(formatSeconds(ms));
    return m_span == Span::RestoreToVerified
               ? tr("Outage: %1 (restore to verified)").arg(formatSeconds(ms))
               : tr("Outage: %1 (stop to verified)").arg(formatSeconds(ms));
}

} // namespace myst
