#include "ui/pages/SummaryPage.h"
#include "core/journal/RunNames.h"

#include "core/base/StatePaths.h"
#include "core/journal/RunReport.h"
#include "ui/widgets/PlainText.h"
#include "ui/widgets/ReportBrowser.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace myst {

SummaryPage::SummaryPage()
{
    setTitle(tr("Summary"));
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("outcomeLabel"));
    m_outcome->setWordWrap(true);
    plaintext::makePlain(m_outcome);
    m_report = new ReportBrowser(this);
    m_report->setObjectName(QStringLiteral("reportBrowser"));
    auto* open = new QPushButton(tr("Open logs folder"), this);
    open->setObjectName(QStringLiteral("openLogsButton"));
    auto* save = new QPushButton(tr("Export report…"), this);
    save->setObjectName(QStringLiteral("exportReportButton"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(save);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_outcome);
    layout->addWidget(m_report, 1);
    layout->addLayout(buttons);
    connect(open, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_logs)); });
    connect(save, &QPushButton::clicked, this, &SummaryPage::exportReport);
}

void SummaryPage::initializePage()
{
    const QList<Journal>& runs = wizardOf(this)->state().runs;
    if (runs.isEmpty()) {
        m_outcome->setText(tr("Nothing was run."));
        return;
    }
    const Journal& main = runs.first();
    const std::optional<Journal> rollback =
        runs.size() > 1 ? std::optional<Journal>(runs.last()) : std::nullopt;
    const Journal& last = runs.last(); // the outcome is where the hosts are now
    const bool ok = last.status == RunStatus::Succeeded;
    m_outcome->setStyleSheet(ok ? QStringLiteral("color: #18781c; font-weight: bold;")
                                : QStringLiteral("color: #b21818; font-weight: bold;"));
    m_outcome->setText(last.message);
    m_markdown = runReportMarkdown(main, rollback);
    m_report->showMarkdown(m_markdown);
    m_logs = main.logDirectory();
}

void SummaryPage::exportReport()
{
    // A dialog object opened with open(): the wizard's own event loop keeps running, and the
    // choice comes back as fileSelected (no nested loop inside this slot).
    auto* dialog =
        new QFileDialog(this, tr("Export report"), QString(), tr("Markdown (*.md);;HTML (*.html)"));
    dialog->setObjectName(QStringLiteral("exportReportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->selectFile(QStringLiteral("myst-upgrade-report.md"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &SummaryPage::writeReport);
    dialog->open();
}

void SummaryPage::writeReport(const QString& file)
{
    QSaveFile out(file);
    QByteArray bytes = m_markdown.toUtf8();
    if (file.endsWith(QLatin1String(".html"))) {
        bytes = QStringLiteral(
                    "<!DOCTYPE html><meta charset=\"utf-8\"><title>MyST upgrade report</title>\n")
                    .toUtf8() +
                m_report->toHtml().toUtf8();
    }
    if (out.open(QIODevice::WriteOnly) && out.write(bytes) >= 0 && out.commit())
        return;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Export report"),
                                tr("Cannot write %1: %2").arg(file, out.errorString()),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("exportReportErrorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    plaintext::makePlain(box);
    box->open();
}

} // namespace myst
