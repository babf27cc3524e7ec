#include "core/host/OutputParsers.h"

#include "core/base/Validation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace myst {

namespace {
const QLatin1String VersionLabels[] = {QLatin1String("com.rubiconred.myst.version"),
                                       QLatin1String("org.opencontainers.image.version"),
                                       QLatin1String("version")};
}

std::optional<ImageInfo> parseImageInspect(const QString& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (!doc.isArray() || doc.array().isEmpty() || !doc.array().first().isObject()) {
        *error = QStringLiteral("docker image inspect did not print an image (%1)")
                     .arg(parseError.error == QJsonParseError::NoError ? QStringLiteral("empty")
                                                                       : parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject image = doc.array().first().toObject();
    ImageInfo info;
    info.id = image.value(QStringLiteral("Id")).toString();
    if (!isValidImageId(info.id)) {
        *error = QStringLiteral("docker image inspect printed an unexpected image ID \"%1\"")
                     .arg(info.id);
        return std::nullopt;
    }
    for (const QJsonValue& tag : image.value(QStringLiteral("RepoTags")).toArray()) {
        info.tags << tag.toString();
    }
    const QJsonObject labels =
        image.value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
    info.version = imageVersion(labels, info.tags, VersionTags::MystStudioOnly);
    return info;
}

QString imageVersion(const QJsonObject& labels, const QStringList& tags, VersionTags which)
{
    for (const QLatin1String& label : VersionLabels) {
        const QString v = labels.value(label).toString();
        if (isValidVersion(v)) {
            return v;
        }
    }
    // registry/…/myst-studio:7.2.0 → 7.2.0 (never "latest")
    const QLatin1String marker =
        which == VersionTags::MystStudioOnly ? QLatin1String("myst-studio:") : QLatin1String(":");
    for (const QString& tag : tags) {
        const QString v = tag.section(QLatin1Char(':'), -1);
        if (tag.contains(marker) && v != QLatin1String("latest") && isValidVersion(v)) {
            return v;
        }
    }
    return {};
}

std::optional<QString> parseBackupPath(const QStringList& stdoutLines, QString* error)
{
    static const QLatin1String prefix("Backed up to ");
    QString found;
    for (const QString& line : stdoutLines) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(prefix)) {
            found = trimmed.mid(prefix.size()).trimmed();
        }
    }
    if (found.isEmpty()) {
        *error = QStringLiteral("backup-database.sh did not print \"Backed up to <path>\"");
        return std::nullopt;
    }
    if (!isSafeAbsolutePath(found)) {
        *error = QStringLiteral("Refusing the backup path \"%1\": not an absolute path of plain "
                                "characters")
                     .arg(found);
        return std::nullopt;
    }
    return found;
}

QString parseConsoleVersion(const QString& page, const QString& pattern)
{
    const QRegularExpressionMatch m = QRegularExpression(pattern).match(page);
    return m.hasMatch() ? m.captured(1) : QString();
}

qint64 parseDfAvailableMegabytes(const QStringList& lines)
{
    // Filesystem 1024-blocks Used Available Capacity Mounted-on
    for (int i = lines.size() - 1; i >= 1; --i) {
        const QStringList fields = lines.at(i).simplified().split(QLatin1Char(' '));
        bool ok = false;
        const qint64 kb = fields.size() >= 6 ? fields.at(3).toLongLong(&ok) : -1;
        if (ok) {
            return kb / 1024;
        }
    }
    return -1;
}

bool sameMystVersion(const QString& shown, const QString& installed)
{
    if (shown.isEmpty() || installed.isEmpty())
        return false;
    const auto base = [](const QString& v) {
        const qsizetype cut = v.indexOf(QRegularExpression(QStringLiteral("[-_+]")));
        return cut < 0 ? v : v.left(cut);
    };
    return shown == installed || base(shown) == base(installed);
}

QString loadedImageRef(const QString& line)
{
    static const QRegularExpression loaded(
        QStringLiteral("^Loaded image(?: ID)?: ([A-Za-z0-9][A-Za-z0-9._/:@-]{0,254})\\s*$"));
    const QRegularExpressionMatch m = loaded.match(line);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace myst
