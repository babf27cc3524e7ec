#pragma once

#include <QWizardPage>

class QLabel;

namespace myst {

class ReportBrowser;

// Outcome, versions, backup, durations and outage; the logs folder; a report to export.
class SummaryPage : public QWizardPage
{
    Q_OBJECT
public:
    SummaryPage();
    void initializePage() override;

private:
    void exportReport();
    void writeReport(const QString& file); // Markdown, or HTML by the file's suffix
    QLabel* m_outcome;
    ReportBrowser* m_report;
    QString m_markdown;
    QString m_logs;
};

} // namespace myst
