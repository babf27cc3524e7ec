#pragma once

#include "app/cli/CliOutput.h"

#include <QTextStream>

namespace myst {

// Human text: lines on stdout, warnings on stderr, each line made plain text first.
class TextOutput : public CliOutput
{
public:
    TextOutput();

    void message(const QString& text) override;
    void warning(const QString& text) override;
    void usageError(const QString& message) override;

    void checkItem(const CheckItem& item) override;
    void checkFinished(int exitCode) override;

    void plannedStep(int index, const Step& step) override;
    void planFinished() override {}

    void stepStarted(int index, int stepCount, const StepRecord& step) override;
    void stepOutput(int index, OutputStream stream, const QString& line) override;
    void captured(const QString& role, const QString& key, const QString& value) override;
    void uploadProgress(int index, const QString& role, const TransferProgress& progress) override;
    void stepFinished(int index, const StepRecord& step) override;
    void runFinished(const RunResult& result, int exitCode) override;
    void decided(const OperatorDecision& decision, const StepRecord& step) override;
    void wayOn(const QString& kind, const QString& command, const QString& why) override;

    void unlockFinished(int exitCode, const QString& holder, const QString& message) override;

    void historyListed(const QString& role, const HostHistory& history) override;
    void listedRun(const Journal& run) override;
    void runsListed(int count) override;

private:
    QTextStream m_out;
    QTextStream m_err;
    // Rewriting a line with \r only makes sense on a terminal; in a file it would pile up.
    const bool m_progressInPlace;
};

} // namespace myst
