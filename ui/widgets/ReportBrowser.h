#pragma once

#include <QTextBrowser>

namespace myst {

// Shows a run report (Markdown). The report quotes what hosts said; whatever markup gets
// through, nothing it names is ever loaded (no file, no URL) and raw HTML is not rendered.
class ReportBrowser : public QTextBrowser
{
    Q_OBJECT
public:
    explicit ReportBrowser(QWidget* parent = nullptr);
    void showMarkdown(const QString& markdown);

protected:
    QVariant loadResource(int type, const QUrl& name) override;
};

} // namespace myst
