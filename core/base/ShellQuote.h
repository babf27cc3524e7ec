#pragma once

#include <QString>
#include <QStringList>

namespace myst {

// The one place where text becomes part of a remote shell command. Every argument that
// reaches a host goes through shellQuote(); nothing is ever concatenated unquoted.
QString shellQuote(const QString& argument);

// argv → "'a' 'b c' 'it'\''s'": a command line the remote POSIX shell splits back into argv.
QString shellCommand(const QStringList& argv);

} // namespace myst
