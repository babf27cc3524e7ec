#pragma once

#include "app/cli/CliOutput.h"

#include <QJsonObject>
#include <QTextStream>

namespace myst {

// --json: one JSON object per line on stdout, for scripts; warnings still on stderr as text.
class JsonLinesOutput : public CliOutput
{
public:
    JsonLinesOutput();

    void message(const QString&) override {}
    void warning(const QString& text) override;
    void usageError(const QString& message) override;

    void checkItem(const CheckItem& item) override;
    void checkFinished(int exitCode) override;

    void plannedStep(int index, const Step& step) override;
    void planFinished() override;

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
    void emitEvent(const QJsonObject& event);

    QTextStream m_out;
    QTextStream m_err;
};

} // namespace myst
