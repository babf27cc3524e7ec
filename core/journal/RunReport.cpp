#include "core/journal/RunReport.h"
#include "core/journal/RunNames.h"

namespace myst {

namespace {
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
                   j.runId, j.status);
    md += QStringLiteral("- Approach: %1\n").arg(j.approach);
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
        md += QStringLiteral("- Host **%1** (%2): before %3 (`%4`), after %5 (`%6`); backup `%7`\n")
                  .arg(it.key(),
                       j.hosts.value(it.key()).toObject().value(QStringLiteral("host")).toString(),
                       it->previousVersion.isEmpty() ? QStringLiteral("?") : it->previousVersion,
                       it->previousImageId.left(19),
                       j.kind == RunKind::Upgrade ? j.targetVersion : QStringLiteral("–"),
                       it->newImageId.left(19),
                       it->backupPath.isEmpty() ? QStringLiteral("none") : it->backupPath);
    }
    md += QStringLiteral("- Result: %1\n\n").arg(j.message);
    md += QStringLiteral(
        "| # | Host | Step | Status | Duration | Detail |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < j.steps.size(); ++i) {
        const StepRecord& s = j.steps.at(i);
        QString detail = s.message;
        detail.replace(QLatin1Char('|'), QStringLiteral("\\|"));
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                  .arg(i + 1)
                  .arg(s.role, s.title, stepStatusName(s.status), duration(s.started, s.finished),
                       detail);
    }
    md += QStringLiteral("\nStep logs: `%1`\n\n").arg(j.logDirectory());
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
