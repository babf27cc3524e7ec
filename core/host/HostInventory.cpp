#include "core/host/HostInventory.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"
#include "core/host/OutputParsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace myst {

namespace {
// $1 the backup folder, then the docker command ([sudo -n] docker). One line per fact, each
// with a marker, so that a login banner is never read as one.
const char* const InventoryScript = R"SH(dir=$1; shift
ids=$("$@" image ls --no-trunc --quiet | sort -u | head -n 200) || echo "myst-note docker image ls failed"
[ -n "$ids" ] && "$@" image inspect --format 'myst-image {{.Id}} {{.Created}} {{json .RepoTags}} {{json .Config.Labels}}' $ids
cs=$("$@" ps --no-trunc --quiet | head -n 50) || echo "myst-note docker ps failed"
[ -n "$cs" ] && "$@" container inspect --format 'myst-container {{.Image}} {{.Created}} {{.State.Running}}' $cs
for f in "$dir"/*; do [ -f "$f" ] && stat -c 'myst-backup %Y %s %n' -- "$f"; done
exit 0)SH";

// Docker prints RFC 3339 with nanoseconds; Qt reads milliseconds.
QDateTime dockerTime(QString text)
{
    static const QRegularExpression fraction(QStringLiteral("(\\.[0-9]{3})[0-9]*"));
    text.replace(fraction, QStringLiteral("\\1"));
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.isValid() && t.date().year() > 1970 ? t.toUTC() : QDateTime();
}

bool isMystImage(const DiscoveredImage& image, const QJsonObject& labels)
{
    if (!image.version.isEmpty() && labels.contains(QStringLiteral("com.rubiconred.myst.version")))
        return true;
    for (const QString& tag : image.tags) {
        if (tag.section(QLatin1Char(':'), 0, -2).section(QLatin1Char('/'), -1) ==
            QLatin1String("myst-studio"))
            return true;
    }
    return false;
}
} // namespace

const DiscoveredImage* HostInventory::image(const QString& id) const
{
    for (const DiscoveredImage& i : images) {
        if (i.id == id)
            return &i;
    }
    return nullptr;
}

const DiscoveredImage* HostInventory::tagged() const
{
    for (const DiscoveredImage& i : images) {
        if (i.tagged)
            return &i;
    }
    return nullptr;
}

const DiscoveredBackup* HostInventory::backup(const QString& path) const
{
    for (const DiscoveredBackup& b : backups) {
        if (b.path == path)
            return &b;
    }
    return nullptr;
}

HostInventory HostInventory::parse(const QStringList& lines)
{
    HostInventory inv;
    inv.ok = true;
    struct Container
    {
        QString image;
        QDateTime created;
    };
    QList<Container> running;
    for (const QString& line : lines) {
        const QStringList f = line.split(QLatin1Char(' '));
        const QString marker = f.value(0);
        if (marker == QLatin1String("myst-image") && f.size() >= 5) {
            DiscoveredImage image;
            image.id = f.at(1);
            image.created = dockerTime(f.at(2));
            // Tags as compact JSON (image references hold no spaces), then the labels.
            const QJsonArray tags = QJsonDocument::fromJson(f.at(3).toUtf8()).array();
            const QJsonObject labels =
                QJsonDocument::fromJson(line.section(QLatin1Char(' '), 4).toUtf8()).object();
            for (const QJsonValue& t : tags) {
                if (isValidImageReference(t.toString()))
                    image.tags << t.toString();
            }
            image.version = imageVersion(labels, image.tags, VersionTags::MystStudioOnly);
            image.tagged = image.tags.contains(QStringLiteral("myst-studio:latest"));
            if (isImageDigest(image.id) && isMystImage(image, labels))
                inv.images << image;
        } else if (marker == QLatin1String("myst-container") && f.size() >= 4) {
            if (f.at(3) == QLatin1String("true"))
                running << Container{f.at(1), dockerTime(f.at(2))};
        } else if (marker == QLatin1String("myst-backup") && f.size() >= 4) {
            DiscoveredBackup b;
            b.time = QDateTime::fromSecsSinceEpoch(f.at(1).toLongLong(), Qt::UTC);
            b.size = f.at(2).toLongLong();
            b.path = line.section(QLatin1Char(' '), 3);
            if (isSafeAbsolutePath(b.path))
                inv.backups << b;
            else
                inv.notes << QStringLiteral("skipped a backup file with unusual characters in its "
                                            "name: %1")
                                 .arg(b.path.left(200));
        } else if (marker == QLatin1String("myst-note")) {
            inv.notes << line.mid(10);
        }
    }
    for (DiscoveredImage& image : inv.images) {
        for (const Container& c : running) {
            if (c.image == image.id) {
                image.running = true;
                image.containerCreated = c.created;
            }
        }
    }
    std::sort(
        inv.images.begin(), inv.images.end(),
        [](const DiscoveredImage& a, const DiscoveredImage& b) { return a.created > b.created; });
    std::sort(inv.backups.begin(), inv.backups.end(),
              [](const DiscoveredBackup& a, const DiscoveredBackup& b) { return a.time > b.time; });
    return inv;
}

HostInventory HostInventory::read(HostSession& session, const SiteHost& host)
{
    const CapturedOutput out = session.capture(shellCommand(
        QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                    QString::fromLatin1(InventoryScript), QStringLiteral("myst-inventory"),
                    host.mystHome + QStringLiteral("/backup")} +
        DockerCli::command(host, {})));
    HostInventory inv;
    if (!out.result.succeeded()) {
        inv.error = QStringLiteral("Could not list the images and backups on %1 (%2)")
                        .arg(host.role, out.stderrLines.join(QLatin1Char(' ')).left(300) +
                                            out.result.describe());
    } else {
        inv = parse(out.stdoutLines);
        for (const QString& l : out.stderrLines.mid(0, 5))
            inv.notes << l.left(300);
    }
    inv.records = HostRecordStore::readAll(session, host.mystHome);
    return inv;
}

} // namespace myst
