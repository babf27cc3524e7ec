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
