#pragma once

#include <QByteArray>

namespace myst {

// A real host's login shell may print a banner before our command runs (an Oracle environment
// line from .bashrc, a message of the day), on stdout and on stderr; a non-interactive `ssh
// host cmd` runs ~/.bashrc on Debian. Every command whose output we read prints FrameMarker as
// its first line on each stream it uses; what comes before it is the shell's and is dropped.
inline constexpr char FrameMarker[] = "\036myst-begin\n";

// Drops the bytes of one stream up to and including the marker, then passes everything on.
class OutputFrame
{
public:
    // The bytes of this read that belong to the command (empty while still before the marker).
    QByteArray feed(const char* data, int size);
    bool started() const { return m_started; }

private:
    bool m_started = false;
    QByteArray m_before; // the tail of what came before the marker, to find one split by reads
};

} // namespace myst
