#pragma once

#include <QList>
#include <QString>
#include <QTextCharFormat>

namespace myst {

struct AnsiSegment
{
    QString text;
    QTextCharFormat format;
};

// Splits a line with ANSI SGR escapes ("\e[1;31m…\e[0m") into text runs with their formats,
// so colours are rendered, never printed as codes. Other escapes are dropped.
QList<AnsiSegment> parseAnsi(const QString& line, const QTextCharFormat& base);

} // namespace myst
