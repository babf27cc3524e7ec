#include "core/base/Validation.h"

#include <QDir>

#include <QRegularExpression>

namespace myst {

namespace {
bool matches(const char* pattern, const QString& text)
{
    return QRegularExpression(QString::fromLatin1(pattern)).match(text).hasMatch();
}
} // namespace

bool isValidVersion(const QString& version)
{
    return version.size() <= 128 && matches("^[0-9A-Za-z][0-9A-Za-z._-]*$", version);
}

bool isSafeAbsolutePath(const QString& path)
{
    if (path.size() > 4096 || !matches("^/[A-Za-z0-9._/+-]*$", path)) {
        return false;
    }
    const QStringList parts = path.split(QLatin1Char('/'));
    return !parts.contains(QStringLiteral("..")) && !parts.contains(QStringLiteral("."));
}

bool isInFolder(const QString& path, const QString& folder)
{
    if (!isSafeAbsolutePath(path) || !isSafeAbsolutePath(folder))
        return false;
    const QString f = QDir::cleanPath(folder), p = QDir::cleanPath(path);
    return p.startsWith(f + QLatin1Char('/')) && p.size() > f.size() + 1;
}

bool isLocalProgramPath(const QString& path)
{
    if (path.isEmpty() || path.size() > 4096 || !QDir::isAbsolutePath(path))
        return false;
    for (const QChar c : path) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    const QStringList parts = QDir::fromNativeSeparators(path).split(QLatin1Char('/'));
    return !parts.contains(QStringLiteral("..")) && !parts.contains(QStringLiteral("."));
}

QString plainFileName(const QString& name)
{
    QString out = name.left(255);
    for (QChar& c : out) {
        const bool plain = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                           (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                           (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
                           QStringLiteral("._+-").contains(c);
        if (!plain)
            c = QLatin1Char('_');
    }
    if (out.isEmpty() || out == QLatin1String(".") || out == QLatin1String(".."))
        out.fill(QLatin1Char('_'), qMax<qsizetype>(1, out.size()));
    return out;
}

bool isValidImageId(const QString& id)
{
    return matches("^(sha256:)?[0-9a-f]{12,64}$", id);
}

bool isImageDigest(const QString& id)
{
    return matches("^sha256:[0-9a-f]{64}$", id);
}

bool isValidImageReference(const QString& ref)
{
    return ref.size() <= 255 && matches("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$", ref);
}

bool isSha256Hex(const QString& hex)
{
    return matches("^[0-9a-f]{64}$", hex);
}

bool isValidUserName(const QString& user)
{
    return user.size() <= 64 && matches("^[A-Za-z0-9_][A-Za-z0-9._-]*$", user);
}

bool isValidHostName(const QString& host)
{
    return host.size() <= 253 && matches("^[A-Za-z0-9_][A-Za-z0-9._:-]*$", host);
}

bool isValidRoleName(const QString& role)
{
    return role.size() <= 32 && matches("^[a-z][a-z0-9_-]*$", role);
}

QString normalizedSha256Fingerprint(const QString& text)
{
    QString hex = text.trimmed().toUpper();
    hex.remove(QLatin1Char(':'));
    static const QRegularExpression sha256(QStringLiteral("^[0-9A-F]{64}$"));
    if (!sha256.match(hex).hasMatch())
        return {};
    QStringList pairs;
    for (int i = 0; i < hex.size(); i += 2)
        pairs << hex.mid(i, 2);
    return pairs.join(QLatin1Char(':'));
}

} // namespace myst
