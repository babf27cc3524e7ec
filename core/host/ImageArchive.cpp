#include "core/host/ImageArchive.h"

#include "core/host/OutputParsers.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <optional>

namespace myst {

namespace {
// manifest.json, index.json and image configs are a few KiB; a layer is never kept in memory.
constexpr qint64 MaxKeptEntryBytes = 1024 * 1024;
constexpr qint64 MaxKeptTotalBytes = 8 * 1024 * 1024;

// The entries `docker save` writes: the legacy layout (manifest.json, repositories,
// <id>.json, <id>/{VERSION,json,layer.tar}) and Docker 25+'s OCI layout (index.json,
// oci-layout, blobs/sha256/<digest>). Anything else is not an image archive.
const QRegularExpression& expectedEntry()
{
    static const QRegularExpression re(QStringLiteral(
        "^(manifest\\.json|repositories|index\\.json|oci-layout|[0-9a-f]{64}\\.json|"
        "[0-9a-f]{64}/?|[0-9a-f]{64}/(VERSION|json|layer\\.tar)|blobs/?|blobs/sha256/?|"
        "blobs/sha256/[0-9a-f]{64})$"));
    return re;
}

// Which entries may be metadata, and so are read into memory (within the caps): the manifest,
// the index and anything that can be a config (<id>.json, or a small blob).
bool mayBeMetadata(const QString& name)
{
    return name.endsWith(QLatin1String(".json")) || name.startsWith(QLatin1String("blobs/"));
}

// The sha256 a config entry is named by: <hex>.json or blobs/sha256/<hex>.
QString digestInName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("([0-9a-f]{64})(\\.json)?$"));
    const QRegularExpressionMatch m = re.match(name);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString sha256Hex(const QByteArray& data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

// The blob a descriptor names, when the archive holds it and it has that digest.
std::optional<QJsonObject> verifiedBlob(const QHash<QString, QByteArray>& blobs,
                                        const QJsonObject& descriptor)
{
    const QString digest = descriptor.value(QStringLiteral("digest")).toString();
    if (!digest.startsWith(QLatin1String("sha256:")))
        return std::nullopt;
    const auto blob = blobs.constFind(QStringLiteral("blobs/sha256/") + digest.mid(7));
    if (blob == blobs.constEnd() || sha256Hex(*blob) != digest.mid(7))
        return std::nullopt;
    return QJsonDocument::fromJson(*blob).object();
}

// Whether a manifest, or an index one level up, leads to the config `configDigest`.
bool leadsToConfig(const QHash<QString, QByteArray>& blobs, const QJsonObject& object,
                   const QString& configDigest, int depth = 0)
{
    if (object.value(QStringLiteral("config")).toObject().value(QStringLiteral("digest")) ==
        configDigest)
        return true;
    if (depth > 0)
        return false;
    for (const QJsonValue& m : object.value(QStringLiteral("manifests")).toArray()) {
        const std::optional<QJsonObject> inner = verifiedBlob(blobs, m.toObject());
        if (inner && leadsToConfig(blobs, *inner, configDigest, depth + 1))
            return true;
    }
    return false;
}

// index.json's descriptor of the image (an OCI archive from Docker 25 and later).
QString manifestDigest(const QHash<QString, QByteArray>& blobs, const QString& configDigest)
{
    const QJsonArray manifests = QJsonDocument::fromJson(blobs.value(QStringLiteral("index.json")))
                                     .object()
                                     .value(QStringLiteral("manifests"))
                                     .toArray();
    for (const QJsonValue& m : manifests) {
        const std::optional<QJsonObject> blob = verifiedBlob(blobs, m.toObject());
        if (blob && leadsToConfig(blobs, *blob, configDigest))
            return m.toObject().value(QStringLiteral("digest")).toString();
    }
    return {};
}

struct ArchiveCloser
{
    void operator()(archive* a) const { archive_read_free(a); }
};
} // namespace

ImageArchive ImageArchive::read(const QString& path)
{
    ImageArchive out;
    out.path = path;
    const QFileInfo info(path);
    if (!info.isFile()) {
        out.error = QStringLiteral("%1 is not a file").arg(path);
        return out;
    }
    out.size = info.size();
    std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_bzip2(a.get());
    archive_read_support_filter_xz(a.get());
    archive_read_support_filter_none(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), QFile::encodeName(path).constData(), 256 * 1024) !=
        ARCHIVE_OK) {
        // libarchive detects the format on open: a text file or a zip ends here.
        out.error =
            QStringLiteral("%1 is not a tar archive (a docker save image is .tar or .tar.gz): %2")
                .arg(path, QString::fromUtf8(archive_error_string(a.get())));
        return out;
    }
    // The tar order is not fixed (manifest.json may come last), so keep the small entries that
    // may be metadata (within a total cap) and the names of all entries, then check the
    // manifest against them. Every entry's data is read through, which is what finds a
    // truncated archive; an entry docker save does not write is refused at once.
    QSet<QString> names;
    QHash<QString, QByteArray> jsonBlobs;
    qint64 kept = 0;
    QString unexpected; // the first entry docker save does not write
    archive_entry* entry = nullptr;
    int rc;
    int entries = 0;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
        ++entries;
        QString name = QString::fromUtf8(archive_entry_pathname(entry));
        if (name.startsWith(QLatin1String("./")))
            name = name.mid(2);
        if (!expectedEntry().match(name).hasMatch()) {
            // Read through (to find a truncated or foreign file), never kept.
            if (unexpected.isEmpty())
                unexpected = name.left(200);
            if (archive_read_data_skip(a.get()) != ARCHIVE_OK)
                break;
            continue;
        }
        names.insert(name);
        const qint64 size = archive_entry_size(entry);
        if (mayBeMetadata(name) && size <= MaxKeptEntryBytes) {
            kept += size;
            if (kept > MaxKeptTotalBytes) {
                out.error = QStringLiteral("%1 has more small entries than an image archive has "
                                           "(over %2 MiB of them): refused")
                                .arg(path)
                                .arg(MaxKeptTotalBytes >> 20);
                return out;
            }
            QByteArray data(int(size), Qt::Uninitialized);
            const la_ssize_t got = archive_read_data(a.get(), data.data(), size_t(size));
            if (got != size) {
                out.error = QStringLiteral("%1 is truncated or damaged (in %2)").arg(path, name);
                return out;
            }
            jsonBlobs.insert(name, data);
        } else if (archive_read_data_skip(a.get()) != ARCHIVE_OK) {
            out.error = QStringLiteral("%1 is truncated or damaged (in %2): %3")
                            .arg(path, name, QString::fromUtf8(archive_error_string(a.get())));
            return out;
        }
    }
    if (rc != ARCHIVE_EOF) {
        out.error =
            entries == 0
                ? QStringLiteral("%1 is not a tar archive (a docker save image is .tar or .tar.gz)")
                      .arg(path)
                : QStringLiteral("%1 is truncated or damaged: %2")
                      .arg(path, QString::fromUtf8(archive_error_string(a.get())));
        return out;
    }
    if (!jsonBlobs.contains(QStringLiteral("manifest.json"))) {
        out.error =
            QStringLiteral("%1 has no manifest.json: it is not a docker save image").arg(path);
        return out;
    }
    if (!unexpected.isEmpty()) {
        out.error = QStringLiteral("%1 holds \"%2\", which docker save does not write: it is "
                                   "not an image archive")
                        .arg(path, unexpected);
        return out;
    }
    const QJsonArray manifest =
        QJsonDocument::fromJson(jsonBlobs.value(QStringLiteral("manifest.json"))).array();
    if (manifest.size() != 1 || !manifest.first().isObject()) {
        out.error =
            QStringLiteral("%1: manifest.json must describe exactly one image (it describes %2)")
                .arg(path)
                .arg(manifest.size());
        return out;
    }
    const QJsonObject image = manifest.first().toObject();
    const QString config = image.value(QStringLiteral("Config")).toString();
    if (config.isEmpty() || !jsonBlobs.contains(config)) {
        out.error = QStringLiteral("%1: the image's config blob %2 is missing").arg(path, config);
        return out;
    }
    for (const QJsonValue& layer : image.value(QStringLiteral("Layers")).toArray()) {
        if (!names.contains(layer.toString())) {
            out.error = QStringLiteral("%1: layer %2 named in manifest.json is missing")
                            .arg(path, layer.toString());
            return out;
        }
        ++out.layers;
    }
    for (const QJsonValue& tag : image.value(QStringLiteral("RepoTags")).toArray())
        out.repoTags << tag.toString();
    const QByteArray blob = jsonBlobs.value(config);
    const QString digest =
        QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha256).toHex());
    if (digestInName(config) != digest) {
        out.error = QStringLiteral("%1: the config %2 does not have the digest its name says: "
                                   "the archive is damaged or was altered")
                        .arg(path, config);
        return out;
    }
    out.imageId = QStringLiteral("sha256:") + digest;
    out.manifestId = manifestDigest(jsonBlobs, out.imageId);
    const QJsonObject labels = QJsonDocument::fromJson(blob)
                                   .object()
                                   .value(QStringLiteral("config"))
                                   .toObject()
                                   .value(QStringLiteral("Labels"))
                                   .toObject();
    out.version = imageVersion(labels, out.repoTags, VersionTags::Any);
    out.ok = true;
    return out;
}

} // namespace myst
