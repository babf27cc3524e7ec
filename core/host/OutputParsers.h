#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace myst {

// What `docker image inspect myst-studio` says about the image in use.
struct ImageInfo
{
    QString id;       // "sha256:…"
    QStringList tags; // RepoTags
    QString version;  // from the image's version label, else from a versioned tag
};

// An image's MyST version: its version label, else the tag of a versioned RepoTag (never
// "latest"). Which tags count: docker's local images also carry unrelated names, so there only
// myst-studio ones; an archive's tags all describe the one image it holds.
enum class VersionTags
{
    MystStudioOnly,
    Any
};
QString imageVersion(const QJsonObject& labels, const QStringList& tags, VersionTags which);

// Parses `docker image inspect` JSON (an array with one object). Empty on anything else.
std::optional<ImageInfo> parseImageInspect(const QString& json, QString* error);

// The backup location from backup-database.sh's output: the last "Backed up to <path>" line.
// The path must be an absolute path of plain characters; a forged line
// ("Backed up to /x; rm -rf ~") is refused with a reason, never returned.
std::optional<QString> parseBackupPath(const QStringList& stdoutLines, QString* error);

// The version in the console page, by the configured pattern (its first capture group).
QString parseConsoleVersion(const QString& page, const QString& pattern);

// The image `docker load` says it loaded: "Loaded image: NAME:TAG" or "Loaded image ID:
// sha256:…" (both shapes of plain characters only); empty for any other line.
QString loadedImageRef(const QString& line);

// Whether the console's version is the one installed: equal, or the same but for a suffix of
// the image tag's (7.2.0.1-mysql8 is shown as 7.2.0.1), or the other way round.
bool sameMystVersion(const QString& shown, const QString& installed);

// Free space from `df -Pk PATH` (POSIX format), in MiB; -1 when unreadable.
qint64 parseDfAvailableMegabytes(const QStringList& lines);

} // namespace myst
