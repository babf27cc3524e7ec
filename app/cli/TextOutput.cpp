#include "app/cli/TextOutput.h"

#include "app/cli/ExitCode.h"
#include "app/cli/HistoryText.h"
#include "app/cli/Terminal.h"
#include "core/base/Platform.h"

#include <QLocale>

#include <cstdio>

namespace myst {

namespace {

QString progressText(const TransferProgress& p)
{
    const QLocale c = QLocale::c();
    QString text = QStringLiteral("%1 of %2 (%3%)")
                       .arg(c.formattedDataSize(p.done), c.formattedDataSize(p.total))
                       .arg(p.total > 0 ? p.done * 100 / p.total : 100);
    if (p.bytesPerSecond > 0) {
        text += QStringLiteral(", %1/s").arg(c.formattedDataSize(qint64(p.bytesPerSecond)));
    }
    if (p.etaSeconds > 0) {
        text += QStringLiteral(", %1 s left").arg(qRound(p.etaSeconds));
    }
    // Blanks over the end of a longer line this one rewrites.
    return text + QStringLiteral("    ");
}

QString seconds(const QDateTime& a, const QDateTime& b)
{
    return QString::number(a.msecsTo(b) / 1000.0, 'f', 1) + QStringLiteral(" s");
}

} // namespace

TextOutput::TextOutput()
    : m_out(stdout), m_err(stderr),
      m_progressInPlace(platform::isTerminal(platform::Stream::Output))
{
}

void TextOutput::message(const QString& text)
{
    m_out << terminal::plainLines(text) << '\n';
    m_out.flush();
}

void TextOutput::warning(const QString& text)
{
    m_err << terminal::plainLines(text) << '\n';
    m_err.flush();
}

void TextOutput::usageError(const QString& message)
{
    warning(QStringLiteral("myst-upgrade: ") + message);
}

void TextOutput::checkItem(const CheckItem& item)
{
    message(
        QStringLiteral("  [%1] %2: %3").arg(checkLevelName(item.level), item.name, item.message));
}

void TextOutput::checkFinished(int exitCode)
{
    message(exitCode == ExitOk ? QStringLiteral("All checks passed.")
                               : QStringLiteral("Some checks failed."));
}

void TextOutput::plannedStep(int index, const Step& step)
{
    message(QStringLiteral("%1. [%2] %3%4\n     $ %5")
                .arg(index + 1)
                .arg(step.role, step.title,
                     !step.startsOutage ? QString()
                     : step.kind == StepKind::ReadOnly
                         ? QStringLiteral("  (read-only window starts: writes refused)")
                         : QStringLiteral("  (outage starts)"),
                     step.commandText()));
}

void TextOutput::stepStarted(int index, int stepCount, const StepRecord& step)
{
    message(QStringLiteral("[%1/%2] %3: %4\n      $ %5")
                .arg(index + 1)
                .arg(stepCount)
                .arg(step.role, step.title, step.command));
}

void TextOutput::stepOutput(int, OutputStream stream, const QString& line)
{
    message((stream == OutputStream::Stderr ? QStringLiteral("    ! ") : QStringLiteral("    | ")) +
            line);
}

void TextOutput::captured(const QString& role, const QString& key, const QString& value)
{
    if (!value.isEmpty()) {
        message(QStringLiteral("    recorded %1 for %2: %3").arg(key, role, value));
    }
}

void TextOutput::uploadProgress(int, const QString&, const TransferProgress& progress)
{
    if (m_progressInPlace) {
        m_out << "\r    " << progressText(progress) << (progress.last ? "\n" : "");
        m_out.flush();
    }
}

void TextOutput::stepFinished(int, const StepRecord& step)
{
    message(QStringLiteral("      %1 %2 (%3)")
                .arg(step.status == StepStatus::Succeeded ? QStringLiteral("ok:")
                                                          : QStringLiteral("FAILED:"),
                     step.message, seconds(step.started, step.finished)));
}

void TextOutput::runFinished(const RunResult& result, int)
{
    message(result.message);
}

void TextOutput::decided(const OperatorDecision& decision, const StepRecord& step)
{
    message(QStringLiteral("Decision (%1, %2): %3 \"%4\" on %5%6")
                .arg(decision.by, decision.at.toLocalTime().toString(Qt::ISODate), decision.kind,
                     step.title, step.role,
                     decision.note.isEmpty() ? QString() : QStringLiteral(": ") + decision.note));
}

void TextOutput::wayOn(const QString& kind, const QString& command, const QString& why)
{
    // On stderr with the failure it follows, so that a person sees both together.
    warning(command.isEmpty()
                ? QStringLiteral("  %1: not offered (%2)").arg(kind, why)
                : QStringLiteral("  %1: %2%3")
                      .arg(kind, command,
                           why.isEmpty() ? QString() : QStringLiteral("  (%1)").arg(why)));
}

void TextOutput::unlockFinished(int exitCode, const QString&, const QString& text)
{
    // A failure is the caller's warning, on stderr.
    if (exitCode == ExitOk) {
        message(text);
    }
}

void TextOutput::listedRun(const Journal& run)
{
    QStringList hosts;
    for (auto it = run.hosts.begin(); it != run.hosts.end(); ++it) {
        const QJsonObject h = it.value().toObject();
        hosts << QStringLiteral("%1=%2").arg(it.key(), h.value(QStringLiteral("host")).toString());
    }
    message(QStringLiteral("%1  %2 %3  %4  %5  %6  %7")
                .arg(run.runId, run.kind, run.approach,
                     run.targetVersion.isEmpty() ? QStringLiteral("-") : run.targetVersion,
                     run.status, hosts.join(QLatin1Char(',')), run.message));
}

void TextOutput::runsListed(int count)
{
    if (count == 0) {
        message(QStringLiteral("No runs yet."));
    }
}

void TextOutput::historyListed(const QString& role, const HostHistory& history)
{
    message(historyText(role, history));
}

} // namespace myst
