#include "app/cli/JsonLinesOutput.h"

#include "app/cli/ExitCode.h"
#include "app/cli/HistoryText.h"
#include "app/cli/Terminal.h"

#include <QJsonDocument>

#include <cstdio>

namespace myst {

namespace {
// QJsonDocument escapes C0 controls only. C1 controls (U+0080–U+009F: 0x9B is CSI to many
// terminals), DEL, the bidirectional overrides and the line separators reach a reader raw,
// and so the terminal or log viewer a script's output ends on. Outside strings JSON holds none
// of them, so each is written as its \u escape: the same text to every JSON parser.
QByteArray escapedJson(const QByteArray& json)
{
    const QString text = QString::fromUtf8(json);
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u >= 0x7f && u <= 0x9f) || (u >= 0x202a && u <= 0x202e) ||
            (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f || u == 0x061c ||
            u == 0x2028 || u == 0x2029)
            out += QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out.toUtf8();
}
} // namespace

JsonLinesOutput::JsonLinesOutput() : m_out(stdout), m_err(stderr) {}

void JsonLinesOutput::emitEvent(const QJsonObject& event)
{
    m_out << escapedJson(QJsonDocument(event).toJson(QJsonDocument::Compact)) << '\n';
    m_out.flush();
}

void JsonLinesOutput::warning(const QString& text)
{
    // stderr still ends on a terminal, under the script that reads stdout.
    m_err << terminal::plainLines(text) << '\n';
    m_err.flush();
}

void JsonLinesOutput::usageError(const QString& message)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"), QStringLiteral("usage")},
               {QStringLiteral("exitCode"), ExitUsage},
               {QStringLiteral("message"), message}});
    warning(QStringLiteral("myst-upgrade: ") + message);
}

void JsonLinesOutput::checkItem(const CheckItem& item)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("check")},
               {QStringLiteral("role"), item.role},
               {QStringLiteral("name"), item.name},
               {QStringLiteral("level"), checkLevelName(item.level)},
               {QStringLiteral("message"), item.message}});
}

void JsonLinesOutput::checkFinished(int exitCode)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"),
                exitCode == ExitOk ? QStringLiteral("passed") : QStringLiteral("failed")},
               {QStringLiteral("exitCode"), exitCode}});
}

void JsonLinesOutput::plannedStep(int index, const Step& step)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("step")},
               {QStringLiteral("index"), index},
               {QStringLiteral("id"), step.id},
               {QStringLiteral("role"), step.role},
               {QStringLiteral("title"), step.title},
               {QStringLiteral("command"), step.commandText()},
               {QStringLiteral("outage"), step.startsOutage}});
}

void JsonLinesOutput::planFinished()
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"), QStringLiteral("planned")},
               {QStringLiteral("exitCode"), ExitOk}});
}

void JsonLinesOutput::stepStarted(int index, int, const StepRecord& step)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("step-started")},
               {QStringLiteral("index"), index},
               {QStringLiteral("id"), step.id},
               {QStringLiteral("role"), step.role},
               {QStringLiteral("title"), step.title},
               {QStringLiteral("command"), step.command}});
}

void JsonLinesOutput::stepOutput(int index, OutputStream stream, const QString& line)
{
    emitEvent(
        {{QStringLiteral("event"), QStringLiteral("output")},
         {QStringLiteral("index"), index},
         {QStringLiteral("stream"),
          stream == OutputStream::Stderr ? QStringLiteral("stderr") : QStringLiteral("stdout")},
         {QStringLiteral("line"), line}});
}

void JsonLinesOutput::captured(const QString& role, const QString& key, const QString& value)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("captured")},
               {QStringLiteral("role"), role},
               {QStringLiteral("key"), key},
               {QStringLiteral("value"), value}});
}

void JsonLinesOutput::uploadProgress(int index, const QString& role, const TransferProgress& p)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("upload-progress")},
               {QStringLiteral("index"), index},
               {QStringLiteral("role"), role},
               {QStringLiteral("bytes"), p.done},
               {QStringLiteral("total"), p.total},
               {QStringLiteral("sent"), p.sent},
               {QStringLiteral("bytesPerSecond"), qRound64(p.bytesPerSecond)},
               {QStringLiteral("etaSeconds"), qRound(p.etaSeconds)}});
}

void JsonLinesOutput::stepFinished(int index, const StepRecord& step)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("step-finished")},
               {QStringLiteral("index"), index},
               {QStringLiteral("id"), step.id},
               {QStringLiteral("status"), stepStatusName(step.status)},
               {QStringLiteral("exitCode"), step.exitCode},
               {QStringLiteral("durationMs"), step.started.msecsTo(step.finished)},
               {QStringLiteral("message"), step.message},
               {QStringLiteral("log"), step.logFile}});
}

void JsonLinesOutput::runFinished(const RunResult& result, int exitCode)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"), result.journal.status},
               {QStringLiteral("runId"), result.journal.runId},
               {QStringLiteral("exitCode"), exitCode},
               {QStringLiteral("outageMs"), result.journal.outageMs},
               {QStringLiteral("message"), result.message},
               {QStringLiteral("journal"), result.journal.filePath()}});
}

void JsonLinesOutput::decided(const OperatorDecision& decision, const StepRecord& step)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("decision")},
               {QStringLiteral("kind"), decision.kind},
               {QStringLiteral("index"), decision.step},
               {QStringLiteral("stepId"), step.id},
               {QStringLiteral("role"), step.role},
               {QStringLiteral("by"), decision.by},
               {QStringLiteral("at"), decision.at.toUTC().toString(Qt::ISODateWithMs)},
               {QStringLiteral("note"), decision.note}});
}

void JsonLinesOutput::wayOn(const QString& kind, const QString& command, const QString& why)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("way-on")},
               {QStringLiteral("kind"), kind},
               {QStringLiteral("offered"), !command.isEmpty()},
               {QStringLiteral("command"), command},
               {QStringLiteral("why"), why}});
}

void JsonLinesOutput::unlockFinished(int exitCode, const QString& holder, const QString& message)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"),
                exitCode == ExitOk ? QStringLiteral("unlocked") : QStringLiteral("failed")},
               {QStringLiteral("exitCode"), exitCode},
               {QStringLiteral("holder"), holder},
               {QStringLiteral("message"), message}});
}

void JsonLinesOutput::listedRun(const Journal& run)
{
    // The journal as it is stored, without its steps: a listing, not every step's record.
    QJsonObject event = run.toJson();
    event.insert(QStringLiteral("event"), QStringLiteral("run"));
    event.remove(QStringLiteral("steps"));
    emitEvent(event);
}

void JsonLinesOutput::runsListed(int count)
{
    emitEvent({{QStringLiteral("event"), QStringLiteral("result")},
               {QStringLiteral("status"), QStringLiteral("listed")},
               {QStringLiteral("count"), count},
               {QStringLiteral("exitCode"), ExitOk}});
}

void JsonLinesOutput::historyListed(const QString& role, const HostHistory& history)
{
    emitEvent(historyJson(role, history));
}

} // namespace myst
