#include "core/host/HostInventory.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"
#include "core/host/OutputParsers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace myst {

namespace {
// $1 a nonce of this run, $2 the backup folder, then the docker command ([sudo -n] docker).
// Nothing the host names is ever a line of this protocol: every marker carries the nonce (a
// login banner, or a line a file's name makes, cannot know it); the images are docker's own
// JSON between two markers (tags and labels as the engine has them, strings escaped); a backup
// file's name is printed as hex, so that a newline in it cannot start a line.
const char* const InventoryScript = R"SH(n=$1 dir=$2; shift 2
ids=$("$@" image ls --no-trunc --quiet | sort -u | head -n 200) || echo "myst-note-$n docker image ls failed"
if [ -n "$ids" ]; then echo "myst-images-$n"; "$@" image inspect $ids; echo "myst-images-end-$n"; fi
cs=$("$@" ps --no-trunc --quiet | head -n 50) || echo "myst-note-$n docker ps failed"
[ -n "$cs" ] && "$@" container inspect --format "myst-container-$n {{.Image}} {{.Created}} {{.State.Running}}" $cs
for f in "$dir"/*; do
  [ -f "$f" ] || continue
  s=$(stat -c '%Y %s' -- "$f") || continue
  printf 'myst-backup-%s %s ' "$n" "$s"; printf '%s' "$f" | od -An -v -tx1 | tr -d ' \n'; echo
done
exit 0)SH";

// A name as a person can read it in a note: a control character or a bidirectional override
// as \n or \u202e, never as itself (it would end the note's line, or turn its text around).
QString visible(const QByteArray& name)
{
    QString out;
    for (const QChar c : QString::fromUtf8(name.left(200))) {
        const char16_t u = c.unicode();
        if (u == u'\n')
            out += QStringLiteral("\\n");
        else if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || (u >= 0x202a && u <= 0x202e) ||
                 (u >= 0x2066 && u <= 0x2069) || u == 0x200e || u == 0x200f || u == 0x061c)
            out += QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

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

namespace {
// One image of `docker image inspect`'s JSON: the engine's own ID, tags and labels.
void addImage(HostInventory& inv, const QJsonObject& o)
{
    DiscoveredImage image;
    image.id = o.value(QStringLiteral("Id")).toString();
    image.created = dockerTime(o.value(QStringLiteral("Created")).toString());
    const QJsonObject labels =
        o.value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
    for (const QJsonValue& t : o.value(QStringLiteral("RepoTags")).toArray()) {
        if (isValidImageReference(t.toString()))
            image.tags << t.toString();
    }
    image.version = imageVersion(labels, image.tags, VersionTags::MystStudioOnly);
    image.tagged = image.tags.contains(QStringLiteral("myst-studio:latest"));
    if (isImageDigest(image.id) && isMystImage(image, labels))
        inv.images << image;
}

void addBackup(HostInventory& inv, const QStringList& f, const QString& backupFolder)
{
    DiscoveredBackup b;
    bool timeOk = false, sizeOk = false;
    b.time = QDateTime::fromSecsSinceEpoch(f.value(1).toLongLong(&timeOk), Qt::UTC);
    b.size = f.value(2).toLongLong(&sizeOk);
    const QByteArray name = QByteArray::fromHex(f.value(3).toLatin1());
    if (!timeOk || !sizeOk || f.size() != 4 || name.isEmpty())
        return;
    b.path = QString::fromUtf8(name);
    // What the glob gave: a file right in the backup folder, of plain characters.
    const bool inFolder =
        backupFolder.isEmpty() || (b.path.startsWith(backupFolder + QLatin1Char('/')) &&
                                   !b.path.mid(backupFolder.size() + 1).contains(QLatin1Char('/')));
    if (isSafeAbsolutePath(b.path) && inFolder && b.path.toUtf8() == name)
        inv.backups << b;
    else
        inv.notes << QStringLiteral("skipped a backup file whose name holds control or unusual "
                                    "characters: \"%1\" (rename it to use it)")
                         .arg(visible(name));
}
} // namespace

HostInventory HostInventory::parse(const QStringList& lines, const QString& nonce,
                                   const QString& backupFolder)
{
    HostInventory inv;
    inv.ok = true;
    struct Container
    {
        QString image;
        QDateTime created;
    };
    QList<Container> running;
    const QString suffix = QLatin1Char('-') + nonce;
    const QString imagesBegin = QStringLiteral("myst-images") + suffix;
    const QString imagesEnd = QStringLiteral("myst-images-end") + suffix;
    QStringList json;
    bool inImages = false;
    for (const QString& line : lines) {
        if (inImages) {
            if (line == imagesEnd) {
                inImages = false;
                QJsonParseError error;
                const QJsonDocument doc =
                    QJsonDocument::fromJson(json.join(QLatin1Char('\n')).toUtf8(), &error);
                if (!doc.isArray())
                    inv.notes << QStringLiteral("docker image inspect gave no list of images (%1)")
                                     .arg(error.errorString());
                for (const QJsonValue& v : doc.array())
                    addImage(inv, v.toObject());
                json.clear();
            } else {
                json << line;
            }
            continue;
        }
        if (line == imagesBegin) {
            inImages = true;
            continue;
        }
        const QStringList f = line.split(QLatin1Char(' '));
        const QString marker = f.value(0);
        if (!marker.endsWith(suffix))
            continue; // a login banner, or anything else that is not ours
        if (marker == QStringLiteral("myst-container") + suffix && f.size() >= 4) {
            if (f.at(3) == QLatin1String("true"))
                running << Container{f.at(1), dockerTime(f.at(2))};
        } else if (marker == QStringLiteral("myst-backup") + suffix) {
            addBackup(inv, f, backupFolder);
        } else if (marker == QStringLiteral("myst-note") + suffix) {
            inv.notes << line.mid(marker.size() + 1);
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

QString HostInventory::newNonce()
{
    return QString::number(QRandomGenerator::system()->generate64(), 16)
        .rightJustified(16, QLatin1Char('0'));
}

HostInventory HostInventory::read(HostSession& session, const SiteHost& host)
{
    const QString nonce = newNonce();
    const QString folder = host.backupFolder();
    const CapturedOutput out =
        session.capture(shellCommand(QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                                                 QString::fromLatin1(InventoryScript),
                                                 QStringLiteral("myst-inventory"), nonce, folder} +
                                     DockerCli::command(host, {})));
    HostInventory inv;
    if (!out.result.succeeded()) {
        inv.error = QStringLiteral("Could not list the images and backups on %1 (%2)")
                        .arg(host.role, out.stderrLines.join(QLatin1Char(' ')).left(300) +
                                            out.result.describe());
    } else {
        inv = parse(out.stdoutLines, nonce, folder);
        for (const QString& l : out.stderrLines.mid(0, 5))
            inv.notes << l.left(300);
    }
    inv.records = HostRecordStore::readAll(session, host.mystHome, host.backupFolder());
    return inv;
}

} // namespace myst
