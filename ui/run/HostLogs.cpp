#include "ui/run/HostLogs.h"

#include "ui/widgets/LogPane.h"
#include "ui/wizard/Roles.h"

#include <QFile>
#include <QRegularExpression>

namespace myst {

HostLogs::HostLogs(QWidget* parent) : QSplitter(Qt::Horizontal, parent) {}

LogPane* HostLogs::pane(const QString& role)
{
    if (LogPane* pane = m_panes.value(role))
        return pane;
    auto* pane = new LogPane(Roles::title(role), this);
    pane->setObjectName(role + QStringLiteral("LogPane"));
    m_panes.insert(role, pane);
    insertWidget(role == Roles::Nonprod ? 0 : QSplitter::count(), pane);
    return pane;
}

void HostLogs::reset()
{
    qDeleteAll(m_panes);
    m_panes.clear();
}

void HostLogs::replay(const StepRecord& step)
{
    // The step log's lines are "HH:mm:ss.zzz out|err <line>"; "# " lines are its headers.
    static const QRegularExpression logLine(
        QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (out|err) (.*)$"));
    LogPane* log = pane(step.role);
    log->appendNote(QStringLiteral("▶ %1   $ %2").arg(step.title, step.command));
    QFile file(step.logFile);
    if (file.open(QIODevice::ReadOnly)) {
        while (!file.atEnd()) {
            QString line = QString::fromUtf8(file.readLine());
            if (line.endsWith(QLatin1Char('\n')))
                line.chop(1);
            const QRegularExpressionMatch m = logLine.match(line);
            if (m.hasMatch())
                log->appendLine(m.captured(1) == QLatin1String("err") ? OutputStream::Stderr
                                                                      : OutputStream::Stdout,
                                m.captured(2));
        }
    }
    // How it ended: a continued failed run replays its failed step too.
    log->appendNote(QStringLiteral("%1 %2").arg(
        isDone(step.status) ? QStringLiteral("✔") : QStringLiteral("✘"), step.message));
}

} // namespace myst
