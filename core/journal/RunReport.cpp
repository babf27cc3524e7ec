#include "core/journal/RunReport.h"
#include "core/journal/RunNames.h"

#include <algorithm>

namespace myst {

namespace {
// What the report quotes (a host's error line, a path, a version read from a host) is text,
// never Markdown or HTML: the wizard renders the report, and a line such as
// `<img src="/dev/zero">` must show as itself, not be loaded.
QString oneLine(QString text)
{
    for (QChar& c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char(' ');
    }
    return text;
}

// Backslash-escapes what could start inline markup (CommonMark allows a backslash before any
// ASCII punctuation); block markup cannot start mid-line, where every quoted value stands.
QString text(const QString& value)
{
    static const QString markup = QStringLiteral("\\`*_[]<>!|&~");
    QString out;
    for (const QChar c : oneLine(value)) {
        if (markup.contains(c))
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

// A code span that holds `value` literally: fenced with one backtick more than the longest run
// inside it (CommonMark), so that no backtick in a path can end it early.
QString code(const QString& value)
{
    const QString inner = oneLine(value);
    int longest = 0;
    int run = 0;
    for (const QChar c : inner) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(longest + 1, QLatin1Char('`'));
    const QString pad = inner.startsWith(QLatin1Char('`')) || inner.endsWith(QLatin1Char('`'))
                            ? QStringLiteral(" ")
                            : QString();
    return fence + pad + inner + pad + fence;
}

QString duration(const QDateTime& a, const QDateTime& b)
{
    if (!a.isValid() || !b.isValid()) {
        return QStringLiteral("–");
    }
    return QString::number(a.msecsTo(b) / 1000.0, 'f', 1) + QStringLiteral(" s");
}

// Each step that ran more than once, attempt by attempt, and what the operator decided after
// a failure (who, when, about what): an incident review reads these first.
QString attemptsAndDecisions(const Journal& j)
{
    QString md;
    for (int i = 0; i < j.steps.size(); ++i) {
        const StepRecord& s = j.steps.at(i);
        if (s.attempts.isEmpty())
            continue;
        md += QStringLiteral("\nStep %1 (%2) ran %3 times:\n\n")
                  .arg(i + 1)
                  .arg(text(s.title))
                  .arg(s.attempts.size() + 1);
        int n = 0;
        for (const StepAttempt& a : s.attempts)
            md += QStringLiteral("%1. %2, %3 UTC, %4: %5\n")
                      .arg(++n)
                      .arg(stepStatusName(a.status), a.started.toUTC().toString(Qt::ISODate),
                           duration(a.started, a.finished), text(a.message));
        md += QStringLiteral("%1. %2, %3 UTC, %4: %5\n")
                  .arg(++n)
                  .arg(stepStatusName(s.status), s.started.toUTC().toString(Qt::ISODate),
                       duration(s.started, s.finished), text(s.message));
    }
    if (!j.decisions.isEmpty())
        md += QStringLiteral("\nOperator decisions:\n\n");
    for (const OperatorDecision& d : j.decisions) {
        const StepRecord s = j.steps.value(d.step);
        md += QStringLiteral("- %1 UTC, **%2** by %3, step %4 (%5)%6\n")
                  .arg(d.at.toUTC().toString(Qt::ISODate), text(d.kind), text(d.by))
                  .arg(d.step + 1)
                  .arg(text(s.title),
                       d.note.isEmpty() ? QString() : QStringLiteral(": ") + text(d.note));
    }
    return md;
}

QString section(const Journal& j)
{
    QString md;
    md += QStringLiteral("## %1 %2 (%3)\n\n")
              .arg(j.kind == RunKind::Rollback ? QStringLiteral("Rollback")
                                               : QStringLiteral("Upgrade"),
                   text(j.runId), text(j.status));
    md += QStringLiteral("- Approach: %1\n").arg(text(j.approach));
    md += QStringLiteral("- Started: %1 UTC, finished: %2 UTC (%3)\n")
              .arg(j.started.toUTC().toString(Qt::ISODate),
                   j.finished.toUTC().toString(Qt::ISODate), duration(j.started, j.finished));
    if (j.outageMs >= 0) {
        md += QStringLiteral("- Outage (%1 to verified): %2 s\n")
                  .arg(j.kind == RunKind::Rollback ? QStringLiteral("restore")
                                                   : QStringLiteral("stop"))
                  .arg(j.outageMs / 1000.0, 0, 'f', 1);
    }
    for (auto it = j.records.begin(); it != j.records.end(); ++it) {
        md += QStringLiteral("- Host **%1** (%2): before %3 (%4), after %5 (%6); backup %7\n")
                  .arg(text(it.key()),
                       text(j.hosts.value(it.key())
                                .toObject()
                                .value(QStringLiteral("host"))
                                .toString()),
                       it->previousVersion.isEmpty() ? QStringLiteral("?")
                                                     : text(it->previousVersion),
                       code(it->previousImageId.left(19)),
                       j.kind == RunKind::Upgrade ? text(j.targetVersion) : QStringLiteral("–"),
                       code(it->newImageId.left(19)),
                       it->backupPath.isEmpty() ? QStringLiteral("none") : code(it->backupPath));
    }
    md += QStringLiteral("- Result: %1\n\n").arg(text(j.message));
    md += QStringLiteral(
        "| # | Host | Step | Status | Duration | Detail |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < j.steps.size(); ++i) {
        const StepRecord& s = j.steps.at(i);
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                  .arg(i + 1)
                  .arg(text(s.role), text(s.title), stepStatusName(s.status),
                       duration(s.started, s.finished), text(s.message));
    }
    md += attemptsAndDecisions(j);
    md += QStringLiteral("\nStep logs: %1\n\n").arg(code(j.logDirectory()));
    return md;
}
} // namespace

QString runReportMarkdown(const Journal& run, const std::optional<Journal>& rollback)
{
    QString md = QStringLiteral("# MyST Studio %1 report\n\n")
                     .arg(run.kind == RunKind::Rollback ? QStringLiteral("rollback")
                                                        : QStringLiteral("upgrade"));
    md += section(run);
    if (rollback) {
        md += section(*rollback);
    }
    return md;
}

} // namespace myst
