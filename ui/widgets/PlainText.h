#pragma once

#include <QString>

class QLabel;
class QMessageBox;

// Text that is not the program's own (a host's output, a record read from a host, a server's
// error, a journal written earlier) is data, never markup. Qt's labels, message boxes and
// tooltips guess by default (Qt::AutoText): a start-up log line beginning with
// `<img src="/dev/zero">` would be rendered, and the image loaded until memory runs out.
namespace myst::plaintext {

// The label shows whatever it is given literally, whatever it looks like.
void makePlain(QLabel* label);

// The box shows its text and informative text literally, word-wrapped. Call it after the
// texts are set.
void makePlain(QMessageBox* box);

// A tooltip that shows `text` literally (QToolTip, too, renders what looks like rich text).
QString toolTip(const QString& text);

// `text` escaped for rich text, line breaks kept: for a program's own rich text that quotes
// something that is not its own.
QString escaped(const QString& text);

} // namespace myst::plaintext
