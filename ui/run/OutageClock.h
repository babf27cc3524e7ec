#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"

#include <QDateTime>
#include <QLabel>
#include <QTimer>

namespace myst {

// The service outage as the Runner measures it (Runner::outageStarted/outageEnded) or as a
// journal kept it (outageMs): while MyST Studio is down, a live "is down: …" counting from the
// Runner's start; afterwards the Runner's figure. It measures nothing itself, so the page, the
// journal, the report and the CLI all show one number.
class OutageClock : public QLabel
{
    Q_OBJECT
public:
    // What the figure spans: an upgrade's outage runs from stop.sh, a rollback's from its
    // restore (the upgrade's own outage came before it).
    enum class Span
    {
        StopToVerified,
        RestoreToVerified,
        ReadOnlyWindow // zero-downtime: writes refused on the active instance, nothing down
    };
    // The span a plan's figure has.
    static Span spanFor(const Plan& plan);

    explicit OutageClock(QWidget* parent = nullptr);

    // A new page: nothing down, nothing measured.
    void reset();
    void setSpan(Span span) { m_span = span; }
    // Runner::outageStarted. Already down (a rollback after a failed upgrade): the outage the
    // operator sees goes on from its first start.
    void started(const QDateTime& since);
    // A run starts with the service still down from the last (a rollback after a failed
    // upgrade): the live figure goes on from then.
    void runStarted();
    // Runner::outageEnded, or the outageMs of a journal whose outage is over.
    void ended(qint64 outageMs);
    // The run stopped: its journal's figure if it has one; else, still down, the clock stops
    // here but the outage may not.
    void runEnded(const Journal& journal);
    bool isDown() const { return m_since.isValid(); }

private:
    void tick();
    QString measured(qint64 ms) const;

    Span m_span = Span::StopToVerified;
    QDateTime m_since; // valid while down
    QTimer m_timer;
};

} // namespace myst
