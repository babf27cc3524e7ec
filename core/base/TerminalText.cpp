#include "core/base/TerminalText.h"

namespace myst {

namespace {
constexpr char16_t Esc = 0x1b;
constexpr char16_t Bel = 0x07;

bool isBidiControl(char16_t c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
           c == 0x200f || c == 0x061c;
}

// Index just past a string-type sequence (OSC, DCS, SOS, PM, APC) that starts at `from`:
// it ends with BEL or ST (ESC \ or U+009C), or runs to the end of the line.
int skipControlString(const QString& s, int from)
{
    for (int i = from; i < s.size(); ++i) {
        const char16_t c = s.at(i).unicode();
        if (c == Bel || c == 0x9c) {
            return i + 1;
        }
        if (c == Esc && i + 1 < s.size() && s.at(i + 1) == QLatin1Char('\\')) {
            return i + 2;
        }
    }
    return s.size();
}

// Index just past a CSI sequence whose parameters start at `from`: parameter and intermediate
// bytes (0x20–0x3f), then one final byte (0x40–0x7e).
int skipCsi(const QString& s, int from)
{
    int i = from;
    while (i < s.size() && s.at(i).unicode() >= 0x20 && s.at(i).unicode() <= 0x3f) {
        ++i;
    }
    return i < s.size() ? i + 1 : i;
}
} // namespace

QString plainTerminalText(const QString& line)
{
    QString out;
    out.reserve(line.size());
    for (int i = 0; i < line.size();) {
        const char16_t c = line.at(i).unicode();
        if (c == Esc) {
            const char16_t next = i + 1 < line.size() ? line.at(i + 1).unicode() : 0;
            if (next == u'[') {
                i = skipCsi(line, i + 2);
            } else if (next == u']' || next == u'P' || next == u'X' || next == u'^' ||
                       next == u'_') {
                i = skipControlString(line, i + 2);
            } else {
                // ESC c, ESC 7, ESC ( B: intermediate bytes (0x20–0x2f), then a final byte.
                ++i;
                while (i < line.size() && line.at(i).unicode() >= 0x20 &&
                       line.at(i).unicode() <= 0x2f) {
                    ++i;
                }
                if (i < line.size() && line.at(i).unicode() >= 0x30 &&
                    line.at(i).unicode() <= 0x7e) {
                    ++i;
                }
            }
            continue;
        }
        if (c == 0x9b) { // C1 CSI
            i = skipCsi(line, i + 1);
            continue;
        }
        if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f) { // C1 strings
            i = skipControlString(line, i + 1);
            continue;
        }
        if ((c < 0x20 && c != u'\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f) || isBidiControl(c)) {
            ++i;
            continue;
        }
        out += line.at(i);
        ++i;
    }
    return out;
}

} // namespace myst
