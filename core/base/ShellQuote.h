#pragma once

#include <QString>
#include <QStringList>

namespace myst {

// The one place where text becomes part of a remote shell command. Every argument that
// reaches a host goes through shellQuote(); nothing is ever concatenated unquoted.
QString shellQuote(const QString& argument);

// argv → "'a' 'b c' 'it'\''s'": a command line the remote POSIX shell splits back into argv.
QString shellCommand(const QStringList& argv);

// The line that runs argv on a host as the guide runs its scripts: a program given by absolute
// path runs from its own folder (`cd -- /u01/myst-studio/bin && ./pull.sh 7.2.0`), so that
// scripts that use relative paths work; anything else (docker …) as shellCommand() makes it.
QString hostCommandLine(const QStringList& argv);

} // namespace myst
