#include "core/host/HostRecordStore.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/journal/RunNames.h"

#include <QJsonDocument>

namespace myst::HostRecordStore {

namespace {
// $1 folder, $2 run ID, $3 the record (one line of JSON), $4 how many to keep.
// A run writes its record at every step's start and end: only the first write makes the folder
// private and prunes old records, so that the others cost one process (mv), not eight. The
// temporary file is made with noclobber in a folder only we can write to.
const char* const WriteScript = R"SH(dir=$1 new=
[ -f "$dir/$2.json" ] || new=1
if [ -n "$new" ]; then (umask 077 && mkdir -p -- "$dir") && chmod 700 -- "$dir" || exit 4; fi
tmp=$dir/.$2.$$
if (umask 077 && set -C && printf '%s\n' "$3" > "$tmp") && mv -f -- "$tmp" "$dir/$2.json"; then :; else rm -f -- "$tmp"; exit 5; fi
[ -n "$new" ] || exit 0
cd -- "$dir" && ls -1 | grep -E '^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}[.]json$' | sort -r | tail -n +$(($4 + 1)) |
  while read -r old; do rm -f -- "$old"; done
exit 0)SH";

// $1 folder: "myst-record <file> <json>" for each record. A name that no run writes (a newline
// in it would start a line of its own) is not read.
const char* const ReadScript = R"SH(cd -- "$1" 2>/dev/null || exit 0
for f in *.json; do
  case $f in *[!0-9a-z.-]*) continue ;; esac
  [ -f "$f" ] || continue
  printf 'myst-record %s ' "$f"; tr -d '\n' < "$f"; echo
done)SH";
} // namespace

QString directory(const QString& mystHome)
{
    return mystHome + QStringLiteral("/.myst-upgrade/records");
}

bool write(HostSession& session, const QString& mystHome, const HostRunRecord& record,
           QString* error)
{
    const QString json =
        QString::fromUtf8(QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact));
    const CapturedOutput out = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(WriteScript),
                      QStringLiteral("myst-record"), directory(mystHome), record.runId, json,
                      QString::number(KeepRecords)}));
    if (out.result.succeeded())
        return true;
    *error = QStringLiteral("Could not write the record %1/%2.json on the host (%3)")
                 .arg(directory(mystHome), record.runId,
                      out.stderrLines.join(QLatin1Char(' ')).left(300) + out.result.describe());
    return false;
}

ReadResult readAll(HostSession& session, const QString& mystHome, const QString& backupFolder)
{
    ReadResult result;
    const CapturedOutput out = session.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(ReadScript),
                      QStringLiteral("myst-records"), directory(mystHome)}));
    if (!out.result.succeeded()) {
        result.error = QStringLiteral("Could not read %1 on the host (%2)")
                           .arg(directory(mystHome), out.result.describe());
        return result;
    }
    result.ok = true;
    for (const QString& line : out.stdoutLines) {
        if (!line.startsWith(QLatin1String("myst-record ")))
            continue; // a login banner
        const QString file = line.section(QLatin1Char(' '), 1, 1);
        const QString text = line.section(QLatin1Char(' '), 2);
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
        QString why;
        std::optional<HostRunRecord> record;
        if (!doc.isObject())
            why = QStringLiteral("not JSON (%1)").arg(parseError.errorString());
        else
            record = HostRunRecord::fromJson(doc.object(), &why);
        if (record && file != record->runId + QStringLiteral(".json"))
            why = QStringLiteral("its run ID %1 is not its file's name").arg(record->runId);
        // A record is a file on the host: it may name any plain path. Only a backup of this
        // MyST home is ever restored.
        else if (record && !record->backupPath.isEmpty() &&
                 !isInFolder(record->backupPath, backupFolder))
            why =
                QStringLiteral("its backup %1 is not in %2").arg(record->backupPath, backupFolder);
        if (!why.isEmpty() || !record) {
            result.refused << QStringLiteral("%1/%2: %3").arg(directory(mystHome), file, why);
            continue;
        }
        result.records << *record;
    }
    std::sort(result.records.begin(), result.records.end(),
              [](const HostRunRecord& a, const HostRunRecord& b) {
                  return a.started != b.started ? a.started > b.started : a.runId > b.runId;
              });
    return result;
}

const HostRunRecord* pick(const QList<HostRunRecord>& records, const QString& runId, QString* error)
{
    for (const HostRunRecord& r : records) {
        if (runId.isEmpty() ? r.canRollBack() : r.runId == runId) {
            if (!r.canRollBack()) {
                *error = r.kind != RunKind::Upgrade
                             ? QStringLiteral("run %1 is a %2, not an upgrade").arg(r.runId, r.kind)
                             : QStringLiteral("run %1 recorded no previous image or no backup on "
                                              "the host: it cannot be rolled back from there")
                                   .arg(r.runId);
                return nullptr;
            }
            return &r;
        }
    }
    *error = runId.isEmpty()
                 ? QStringLiteral("the host has no record of an upgrade that can be rolled back")
                 : QStringLiteral("the host has no valid record of run %1").arg(runId);
    return nullptr;
}

const HostRunRecord* undoneBy(const QList<HostRunRecord>& records, const QString& runId)
{
    for (const HostRunRecord& r : records) {
        if (r.kind == RunKind::Rollback && r.rollbackOf == runId &&
            r.status == RunStatus::Succeeded)
            return &r;
    }
    return nullptr;
}

} // namespace myst::HostRecordStore
