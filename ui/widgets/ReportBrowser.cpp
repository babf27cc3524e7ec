#include "ui/widgets/ReportBrowser.h"

namespace myst {

ReportBrowser::ReportBrowser(QWidget* parent) : QTextBrowser(parent)
{
    setOpenLinks(false);
    setOpenExternalLinks(false);
}

void ReportBrowser::showMarkdown(const QString& markdown)
{
    document()->setMarkdown(markdown,
                            QTextDocument::MarkdownFeatures(QTextDocument::MarkdownDialectGitHub |
                                                            QTextDocument::MarkdownNoHTML));
}

QVariant ReportBrowser::loadResource(int, const QUrl&)
{
    return {}; // an image in a host's line would otherwise be read (e.g. /dev/zero, for ever)
}

} // namespace myst
