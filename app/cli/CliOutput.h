#pragma once

#include "core/host/Preflight.h"
#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/run/Runner.h"
#include "core/session/HostHistory.h"

#include <QString>

namespace myst {

// Everything a command tells the operator or a script, as events. The implementation is chosen
// once from --json (JsonLinesOutput, TextOutput), so that commands never ask which one it is.
// Warnings go to stderr in both modes: a script reading the events still leaves them to a person.
class CliOutput
{
public:
    virtual ~CliOutput() = default;

    // For a person only: a JSON reader gets the same facts as events.
    virtual void message(const QString& text) = 0;
    virtual void warning(const QString& text) = 0;
    // Bad usage or input; the process then ends with ExitUsage.
    virtual void usageError(const QString& message) = 0;

    virtual void checkItem(const CheckItem& item) = 0;
    virtual void checkFinished(int exitCode) = 0;

    virtual void plannedStep(int index, const Step& step) = 0;
    virtual void planFinished() = 0;

    virtual void stepStarted(int index, int stepCount, const StepRecord& step) = 0;
    virtual void stepOutput(int index, OutputStream stream, const QString& line) = 0;
    virtual void captured(const QString& role, const QString& key, const QString& value) = 0;
    virtual void uploadProgress(int index, const QString& role,
                                const TransferProgress& progress) = 0;
    virtual void stepFinished(int index, const StepRecord& step) = 0;
    virtual void runFinished(const RunResult& result, int exitCode) = 0;
    // What the operator chose after a failed step (--retry, --accept), before the run goes on.
    virtual void decided(const OperatorDecision& decision, const StepRecord& step) = 0;
    // After a failed run: each way on, and the command that takes it (empty: not offered, and
    // `why` says why).
    virtual void wayOn(const QString& kind, const QString& command, const QString& why) = 0;

    virtual void unlockFinished(int exitCode, const QString& holder, const QString& message) = 0;

    // `history`: what one host knows (records, images, backups, the pairing they suggest).
    virtual void historyListed(const QString& role, const HostHistory& history) = 0;

    virtual void listedRun(const Journal& run) = 0;
    virtual void runsListed(int count) = 0;
};

} // namespace myst
