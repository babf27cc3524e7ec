#include "ui/widgets/AnsiText.h"

#include <QColor>

namespace myst {

namespace {
// The 16 colours as terminals on a light background show them.
const QColor Palette[16] = {"#000000", "#b21818", "#18a218", "#a08000", "#1c3fd1", "#b218b2",
                            "#18b2b2", "#808080", "#686868", "#e05050", "#30b030", "#c0a000",
                            "#5070f0", "#d050d0", "#30b0b0", "#404040"};

void applySgr(const QStringList& codes, QTextCharFormat& format, const QTextCharFormat& base)
{
    for (int i = 0; i < codes.size(); ++i) {
        const int c = codes.at(i).isEmpty() ? 0 : codes.at(i).toInt();
        if (c == 0) {
            format = base;
        } else if (c == 1) {
            format.setFontWeight(QFont::Bold);
        } else if (c == 22) {
            format.setFontWeight(base.fontWeight());
        } else if (c == 3) {
            format.setFontItalic(true);
        } else if (c == 4) {
            format.setFontUnderline(true);
        } else if (c >= 30 && c <= 37) {
            format.setForeground(Palette[c - 30]);
        } else if (c >= 90 && c <= 97) {
            format.setForeground(Palette[c - 90 + 8]);
        } else if (c == 39) {
            format.setForeground(base.foreground());
        } else if (c >= 40 && c <= 47) {
            format.setBackground(Palette[c - 40]);
        } else if (c == 49) {
            format.setBackground(base.background());
        } else if ((c == 38 || c == 48) && i + 2 < codes.size() &&
                   codes.at(i + 1) == QLatin1String("5")) {
            i += 2; // 256 colours: not rendered, but not printed either
        } else if ((c == 38 || c == 48) && i + 4 < codes.size() &&
                   codes.at(i + 1) == QLatin1String("2")) {
            const QColor rgb(codes.at(i + 2).toInt(), codes.at(i + 3).toInt(),
                             codes.at(i + 4).toInt());
            c == 38 ? format.setForeground(rgb) : format.setBackground(rgb);
            i += 4;
        }
    }
}
} // namespace

QList<AnsiSegment> parseAnsi(const QString& line, const QTextCharFormat& base)
{
    QList<AnsiSegment> segments;
    QTextCharFormat format = base;
    QString text;
    for (int i = 0; i < line.size(); ++i) {
        const QChar ch = line.at(i);
        if (ch != QChar(0x1b)) {
            text += ch;
            continue;
        }
        if (i + 1 < line.size() && line.at(i + 1) == QLatin1Char('[')) {
            int end = i + 2;
            while (end < line.size() &&
                   !(line.at(end) >= QChar(0x40) && line.at(end) <= QChar(0x7e))) {
                ++end;
            }
            if (end < line.size() && line.at(end) == QLatin1Char('m')) {
                if (!text.isEmpty()) {
                    segments.append({text, format});
                    text.clear();
                }
                applySgr(line.mid(i + 2, end - i - 2).split(QLatin1Char(';')), format, base);
            }
            i = end; // other CSI sequences (cursor moves) are dropped
        }
    }
    if (!text.isEmpty() || segments.isEmpty()) {
        segments.append({text, format});
    }
    return segments;
}

} // namespace myst
