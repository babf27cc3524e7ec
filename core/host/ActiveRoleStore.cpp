#include "core/host/ActiveRoleStore.h"

#include "core/base/ShellQuote.h"
#include "core/site/BlueGreen.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace myst::ActiveRoleStore {

namespace {
// $1 folder, $2 the record (one line of JSON).
const char* const WriteScript = R"SH(dir=$1
(umask 077 && mkdir -p -- "$dir") && chmod 700 -- "$dir" || exit 4
tmp=$(mktemp -- "$dir/.active.XXXXXX") || exit 4
if printf '%s\n' "$2" > "$tmp" && mv -f -- "$tmp" "$dir/active.json"; then exit 0; fi
rm -f -- "$tmp"; exit 5)SH";

// $1 the file: "myst-active <json>", or "myst-active none".
const char* const ReadScript =
    R"SH(if [ -f "$1" ]; then printf 'myst-active '; tr -d '\n' < "$1"; echo
else echo 'myst-active none'; fi)SH";

QString folder(const QString& mystHome)
{
    return mystHome + QStringLiteral("/.myst-upgrade");
}
} // namespace

QString filePath(const QString& mystHome)
{
    return folder(mystHome) + QStringLiteral("/active.json");
}

ReadResult read(HostSession& session, const QString& mystHome)
{
    ReadResult result;
    const CapturedOutput out = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(ReadScript),
                      QStringLiteral("myst-active"), filePath(mystHome)}));
    if (!out.result.succeeded()) {
        result.error = QStringLiteral("Could not read %1 on the host (%2)")
                           .arg(filePath(mystHome), out.result.describe());
        return result;
    }
    for (const QString& line : out.stdoutLines) {
        if (!line.startsWith(QLatin1String("myst-active ")))
            continue; // a login banner
        const QString text = line.mid(12);
        if (text == QLatin1String("none")) {
            result.ok = true;
            return result;
        }
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        result.active = o.value(QStringLiteral("active")).toString();
        result.runId = o.value(QStringLiteral("runId")).toString();
        if (!BlueGreen::isRole(result.active)) {
            result.error = QStringLiteral("%1 on the host is not a record of blue or green: %2")
                               .arg(filePath(mystHome), text.left(200));
            result.active.clear();
            return result;
        }
        result.ok = true;
        return result;
    }
    result.error =
        QStringLiteral("%1: the host's answer was not understood").arg(filePath(mystHome));
    return result;
}

bool write(HostSession& session, const QString& mystHome, const QString& active,
           const QString& runId, QString* error)
{
    const QJsonObject o{
        {QStringLiteral("active"), active},
        {QStringLiteral("runId"), runId},
        {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    const QString json = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    const CapturedOutput out = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(WriteScript),
                      QStringLiteral("myst-active"), folder(mystHome), json}));
    if (out.result.succeeded())
        return true;
    *error = QStringLiteral("Could not write %1 on the host (%2)")
                 .arg(filePath(mystHome),
                      out.stderrLines.join(QLatin1Char(' ')).left(300) + out.result.describe());
    return false;
}

} // namespace myst::ActiveRoleStore
