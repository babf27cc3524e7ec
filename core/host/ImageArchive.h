#pragma once

#include <QString>
#include <QStringList>

namespace myst {

// What a `docker save` archive (plain or gzip) holds, read locally with libarchive before
// anything is uploaded: manifest.json, its RepoTags, the config blob (whose sha256 is the
// image ID Docker will give it) and every layer it names. Anything else is refused with the
// reason: not a tar, truncated, no manifest, a missing config or layer.
struct ImageArchive
{
    bool ok = false;
    QString error;
    QString path;
    QStringList repoTags;
    QString imageId; // "sha256:<hex of the config blob>"
    // An OCI archive's (index.json) own digest for the image: the manifest (or index) whose
    // blob is in the archive, has that digest and leads to the config above. Docker's
    // containerd image store names the image by it; empty for a legacy archive.
    QString manifestId;
    QString version; // from the image's version label, else a versioned tag
    int layers = 0;
    qint64 size = 0; // of the archive file

    static ImageArchive read(const QString& path);
};

} // namespace myst
