#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"
#include "core/ssh/TransferMeter.h"

#include <QString>
#include <QStringList>

#include <atomic>

namespace myst {

// How one step ended.
struct StepOutcome
{
    bool ok = false;
    int exitCode = -1;
    QString message;
    bool lost = false; // the connection dropped: the step is run again after reconnecting
    // The run stops here to wait for the operator (a manual switch the CLI was not told was
    // done): it ends interrupted, nothing running, and `resume` continues at this step.
    bool waiting = false;
    // Not empty: the failure is a judgement the operator may accept (an error line in a
    // start-up that completed, a console page without a version), about these lines.
    QStringList judgement = {};
};

// What the operator said at a gate that asks for a change made by hand.
enum class GateAnswer
{
    Approved,
    Cancelled,
    NotGiven, // the CLI: --yes does not say a manual change was made; --switched does
};

// What a step executor may use while it runs (core/run/steps/): the run's site, plan and
// records, its log, and the hosts. The Runner provides it; executors never see the loop,
// the journal file or the signals.
class StepContext
{
public:
    virtual ~StepContext() = default;

    virtual const Site& site() const = 0;
    virtual const Plan& plan() const = 0;
    virtual const Journal& journal() const = 0; // records, run ID, rollbackOf, site path
    virtual int stepIndex() const = 0;

    // A line in the step's log, on screen and in its log file.
    virtual void log(OutputStream stream, const QString& line) = 0;
    // What rollback needs, written to the journal before the next step starts.
    virtual void capture(const QString& role, CaptureKey key, const QString& value) = 0;
    // The step's command (or one `part` of it) detached on the host; stdoutLines gets its last
    // lines and the last "Backed up to" line.
    virtual StepOutcome runScript(const Step& step, HostSession& host,
                                  QStringList* stdoutLines = nullptr, const QString& part = {}) = 0;
    // Another host of the run (the copy's source), connected and locked.
    virtual HostSession* host(const QString& role, SshStatus* status) = 0;

    virtual const std::atomic<bool>* cancelFlag() const = 0;
    bool cancelled() const { return cancelFlag()->load(); }
    // The phased gate: false when the run was cancelled while waiting.
    virtual bool waitAtGate(const QString& summary) = 0;
    // A gate for a change the operator makes by hand (the blue/green manual switch): --yes
    // does not pass it.
    virtual GateAnswer waitForManualChange(const QString& summary) = 0;
    virtual void reportUpload(const QString& role, const TransferProgress& progress) = 0;
    // For a message after a step timed out: is MyST Studio answering, with which version.
    virtual QString serviceState(const QString& role) = 0;
};

} // namespace myst
