#include "ui/widgets/PlainText.h"

#include <QLabel>
#include <QMessageBox>

namespace myst::plaintext {

void makePlain(QLabel* label)
{
    label->setTextFormat(Qt::PlainText);
}

void makePlain(QMessageBox* box)
{
    // Qt::PlainText would also turn word wrap off in QMessageBox (a host's long line would make
    // the box as wide as the line), so the text is escaped and set as rich text instead.
    box->setTextFormat(Qt::RichText);
    box->setText(escaped(box->text()));
    if (!box->informativeText().isEmpty())
        box->setInformativeText(escaped(box->informativeText()));
}

QString toolTip(const QString& text)
{
    return text.isEmpty() ? QString() : QStringLiteral("<qt>%1</qt>").arg(escaped(text));
}

QString escaped(const QString& text)
{
    QString html = text.toHtmlEscaped();
    html.replace(QLatin1Char('\n'), QLatin1String("<br>"));
    return html;
}

} // namespace myst::plaintext
