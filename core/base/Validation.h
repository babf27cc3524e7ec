#pragma once

#include <QString>

namespace myst {

// Whitelists for everything that ends up in a remote command. A value that fails one of these
// never reaches a shell, quoted or not.

// MyST versions and image tags: 7.2.0.1, 7.2.0-mysql8. Must start with a letter or digit so
// that it can never be read as an option.
bool isValidVersion(const QString& version);
// An absolute path of plain characters, no "..": MyST home, a backup file, an image folder.
bool isSafeAbsolutePath(const QString& path);
// A program on this computer, by absolute path in this system's form (on Windows a drive letter
// or a UNC share, backslashes and spaces allowed: C:\Program Files\ops\switch.exe), with no
// control character and no "." or ".." part. It is started without a shell (CreateProcess on
// Windows, exec on POSIX), so it needs no further quoting.
bool isLocalProgramPath(const QString& path);
// The name a local file gets on a host: every character that isSafeAbsolutePath would refuse
// (spaces, brackets, quotes, non-ASCII) becomes '_', so that "myst-studio-7.2.0 (1).tar.gz",
// as a browser saves a second download, uploads as "myst-studio-7.2.0__1_.tar.gz" instead of
// failing half way through a run. "." and ".." become "_" and "__".
QString plainFileName(const QString& name);
// A safe absolute path (above) inside `folder`, at any depth: where a backup may be.
bool isInFolder(const QString& path, const QString& folder);
// A docker image ID as `docker image inspect` prints it.
bool isValidImageId(const QString& id);
// A full image digest, "sha256:" and 64 hex digits: what a record on a host must hold.
bool isImageDigest(const QString& id);
// What an operator may name an image by: an ID or a reference such as
// registry.example.com/myst-studio:7.2.0 (plain characters, never starting with '-').
bool isValidImageReference(const QString& ref);
// A hex SHA-256 (64 lowercase digits), as sha256sum prints it.
bool isSha256Hex(const QString& hex);
bool isValidUserName(const QString& user);
bool isValidHostName(const QString& host);
bool isValidRoleName(const QString& role);

// "ab:cd:…", "ABCD…" → "AB:CD:…" (as openssl prints a certificate's SHA-256 fingerprint);
// empty when it is not 32 bytes of hex.
QString normalizedSha256Fingerprint(const QString& text);

} // namespace myst
