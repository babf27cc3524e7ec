#pragma once

namespace myst {

// Called first thing by both executables: they hold passwords and passphrases in memory and
// write journals, logs and site files that name hosts and key files. No core dumps (a dump
// would put secrets on disk; KeePassXC's Bootstrap does the same), not dumpable for other
// processes of the user, and files and folders created private to the user (umask 077): the
// state folder 0700, journals, step logs, the application log and site files 0600.
void hardenProcess();

} // namespace myst
