#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

namespace myst {

// Cuts a byte stream into lines as the bytes arrive (a line may span many reads).
// "\r\n" and "\n" end a line; an over-long line is passed on in pieces rather than held.
class LineSplitter
{
public:
    using Sink = std::function<void(const QString&)>;
    static constexpr int MaxLineBytes = 1024 * 1024;

    void feed(const char* data, int size, const Sink& sink);
    void finish(const Sink& sink); // the last line, if it had no newline

private:
    void emitLine(QByteArray bytes, const Sink& sink);
    QByteArray m_pending;
};

} // namespace myst
