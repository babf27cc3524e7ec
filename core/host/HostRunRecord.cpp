#include "core/host/HostRunRecord.h"
#include "core/base/IsoTime.h"

#include "core/base/Platform.h"
#include "core/base/Validation.h"
#include "core/journal/RunNames.h"
#include "core/plan/StepKind.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSysInfo>

namespace myst {

namespace {
const QString FormatName = QStringLiteral("myst-upgrade-host-record");

// Names shown to other people (who, from where): plain characters only, as the lock's.
QString plainName(QString value)
{
    static const QRegularExpression odd(QStringLiteral("[^A-Za-z0-9._@:+-]"));
    return value.replace(odd, QStringLiteral("_")).left(64);
}

// Who runs this: $USER, else the account's name (a service or a test may have no $USER).
QString userName()
{
    const QString user = qEnvironmentVariable("USER");
    if (!user.isEmpty())
        return user;
    const QString account = platform::accountName();
    return account.isEmpty() ? QStringLiteral("unknown") : account;
}

bool isKnownName(const QString& value, const QStringList& names)
{
    return value.isEmpty() || names.contains(value);
}
} // namespace

HostRunRecord HostRunRecord::fromJournal(const Journal& journal, const QString& role)
{
    HostRunRecord r;
    r.runId = journal.runId;
    r.kind = journal.kind;
    r.rollbackOf = journal.rollbackOf;
    r.status = journal.status;
    r.approach = journal.approach;
    r.targetVersion = journal.targetVersion;
    r.role = role;
    r.user = plainName(userName());
    r.from = plainName(QSysInfo::machineHostName());
    r.started = journal.started;
    r.finished = journal.finished;
    r.updated = QDateTime::currentDateTimeUtc();
    const HostRecord h = journal.records.value(role);
    r.previousImageId = h.previousImageId;
    r.previousTags = h.previousTags;
    r.previousVersion = h.previousVersion;
    r.backupPath = h.backupPath;
    r.backupSize = h.backupSize;
    r.backupSha256 = h.backupSha256;
    r.backupTime = h.backupTime;
    r.newImageId = !h.newImageId.isEmpty() ? h.newImageId : h.loadedImageId;
    if (journal.kind == RunKind::Rollback) {
        // What it puts back, from its plan's first check (the journal records nothing else; the
        // check-backup step before the restore names the backup but no image).
        for (const QJsonValue& v : journal.plan.value(QStringLiteral("steps")).toArray()) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("role")).toString() != role ||
                s.value(QStringLiteral("kind")).toString() != stepKindName(StepKind::CheckRollback))
                continue;
            r.newImageId = s.value(QStringLiteral("imageId")).toString();
            r.backupPath = s.value(QStringLiteral("backupPath")).toString();
        }
    }
    for (int i = 0; i < journal.steps.size(); ++i) {
        const StepRecord& s = journal.steps.at(i);
        if (s.role != role)
            continue;
        QStringList decided; // what the operator chose about it, as the next laptop reads it
        for (const OperatorDecision& d : journal.decisions) {
            if (d.step == i)
                decided << QStringLiteral("%1 by %2 at %3%4")
                               .arg(d.kind, d.by, d.at.toUTC().toString(Qt::ISODate),
                                    d.note.isEmpty() ? QString()
                                                     : QStringLiteral(": ") + d.note.left(300));
        }
        r.steps << StepStatusLine{s.id,
                                  s.title,
                                  stepStatusName(s.status),
                                  s.started,
                                  s.finished,
                                  int(s.attempts.size()) + 1,
                                  decided.join(QStringLiteral("; "))};
    }
    return r;
}

QJsonObject HostRunRecord::toJson() const
{
    QJsonArray stepArray;
    for (const StepStatusLine& s : steps) {
        stepArray.append(QJsonObject{{QStringLiteral("id"), s.id},
                                     {QStringLiteral("title"), s.title},
                                     {QStringLiteral("status"), s.status},
                                     {QStringLiteral("started"), isoUtc(s.started)},
                                     {QStringLiteral("finished"), isoUtc(s.finished)},
                                     {QStringLiteral("attempts"), s.attempts},
                                     {QStringLiteral("decision"), s.decision}});
    }
    return {
        {QStringLiteral("format"), FormatName},
        {QStringLiteral("version"), FormatVersion},
        {QStringLiteral("runId"), runId},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("rollbackOf"), rollbackOf},
        {QStringLiteral("status"), status},
        {QStringLiteral("approach"), approach},
        {QStringLiteral("targetVersion"), targetVersion},
        {QStringLiteral("role"), role},
        {QStringLiteral("user"), user},
        {QStringLiteral("from"), from},
        {QStringLiteral("started"), isoUtc(started)},
        {QStringLiteral("finished"), isoUtc(finished)},
        {QStringLiteral("updated"), isoUtc(updated)},
        {QStringLiteral("previous"),
         QJsonObject{{QStringLiteral("imageId"), previousImageId},
                     {QStringLiteral("tags"), QJsonArray::fromStringList(previousTags)},
                     {QStringLiteral("version"), previousVersion}}},
        {QStringLiteral("backup"), QJsonObject{{QStringLiteral("path"), backupPath},
                                               {QStringLiteral("size"), backupSize},
                                               {QStringLiteral("sha256"), backupSha256},
                                               {QStringLiteral("time"), isoUtc(backupTime)}}},
        {QStringLiteral("newImageId"), newImageId},
        {QStringLiteral("steps"), stepArray},
    };
}

std::optional<HostRunRecord> HostRunRecord::fromJson(const QJsonObject& json, QString* error)
{
    if (json.value(QStringLiteral("format")).toString() != FormatName) {
        *error = QStringLiteral("not a myst-upgrade host record");
        return std::nullopt;
    }
    const int version = json.value(QStringLiteral("version")).toInt(0);
    if (version < 1 || version > FormatVersion) {
        *error = QStringLiteral("record format version %1, this program reads %2: update it")
                     .arg(version)
                     .arg(FormatVersion);
        return std::nullopt;
    }
    HostRunRecord r;
    r.runId = json.value(QStringLiteral("runId")).toString();
    r.kind = json.value(QStringLiteral("kind")).toString();
    r.rollbackOf = json.value(QStringLiteral("rollbackOf")).toString();
    r.status = json.value(QStringLiteral("status")).toString();
    r.approach = json.value(QStringLiteral("approach")).toString();
    r.targetVersion = json.value(QStringLiteral("targetVersion")).toString();
    r.role = json.value(QStringLiteral("role")).toString();
    r.user = plainName(json.value(QStringLiteral("user")).toString());
    r.from = plainName(json.value(QStringLiteral("from")).toString());
    r.started = fromIsoUtc(json.value(QStringLiteral("started")));
    r.finished = fromIsoUtc(json.value(QStringLiteral("finished")));
    r.updated = fromIsoUtc(json.value(QStringLiteral("updated")));
    const QJsonObject previous = json.value(QStringLiteral("previous")).toObject();
    r.previousImageId = previous.value(QStringLiteral("imageId")).toString();
    for (const QJsonValue& t : previous.value(QStringLiteral("tags")).toArray())
        r.previousTags << t.toString();
    r.previousVersion = previous.value(QStringLiteral("version")).toString();
    const QJsonObject backup = json.value(QStringLiteral("backup")).toObject();
    r.backupPath = backup.value(QStringLiteral("path")).toString();
    r.backupSize = backup.value(QStringLiteral("size")).toInteger(-1);
    r.backupSha256 = backup.value(QStringLiteral("sha256")).toString();
    r.backupTime = fromIsoUtc(backup.value(QStringLiteral("time")));
    r.newImageId = json.value(QStringLiteral("newImageId")).toString();
    for (const QJsonValue& v : json.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject s = v.toObject();
        r.steps << StepStatusLine{s.value(QStringLiteral("id")).toString().left(64),
                                  s.value(QStringLiteral("title")).toString().left(200),
                                  s.value(QStringLiteral("status")).toString().left(32),
                                  fromIsoUtc(s.value(QStringLiteral("started"))),
                                  fromIsoUtc(s.value(QStringLiteral("finished"))),
                                  qBound(1, s.value(QStringLiteral("attempts")).toInt(1), 1000),
                                  s.value(QStringLiteral("decision")).toString().left(600)};
    }

    // Everything a rollback would put into a command, or show as a fact, checked here.
    QStringList wrong;
    if (!isValidRunId(r.runId))
        wrong << QStringLiteral("run ID \"%1\"").arg(r.runId.left(80));
    if (!r.rollbackOf.isEmpty() && !isValidRunId(r.rollbackOf))
        wrong << QStringLiteral("rollbackOf \"%1\"").arg(r.rollbackOf.left(80));
    if (!isKnownName(r.kind, {RunKind::Upgrade, RunKind::Rollback, RunKind::Upload}))
        wrong << QStringLiteral("kind \"%1\"").arg(r.kind.left(80));
    if (!isValidRoleName(r.role))
        wrong << QStringLiteral("role \"%1\"").arg(r.role.left(80));
    if (!r.previousImageId.isEmpty() && !isImageDigest(r.previousImageId))
        wrong << QStringLiteral("previous image \"%1\" (not a sha256 digest)")
                     .arg(r.previousImageId.left(80));
    if (!r.newImageId.isEmpty() && !isImageDigest(r.newImageId))
        wrong
            << QStringLiteral("new image \"%1\" (not a sha256 digest)").arg(r.newImageId.left(80));
    if (!r.backupPath.isEmpty() && !isSafeAbsolutePath(r.backupPath))
        wrong << QStringLiteral("backup path \"%1\" (not a plain absolute path)")
                     .arg(r.backupPath.left(200));
    if (!r.backupSha256.isEmpty() && !isSha256Hex(r.backupSha256))
        wrong << QStringLiteral("backup sha256 \"%1\"").arg(r.backupSha256.left(80));
    for (const QString& v : {r.previousVersion, r.targetVersion}) {
        if (!v.isEmpty() && !isValidVersion(v))
            wrong << QStringLiteral("version \"%1\"").arg(v.left(80));
    }
    for (const QString& tag : r.previousTags) {
        if (!isValidImageReference(tag))
            wrong << QStringLiteral("tag \"%1\"").arg(tag.left(80));
    }
    if (!wrong.isEmpty()) {
        *error = QStringLiteral("it holds values no run writes: %1")
                     .arg(wrong.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    return r;
}

HostRecord HostRunRecord::rollbackRecord() const
{
    HostRecord h;
    h.previousImageId = previousImageId;
    h.previousTags = previousTags;
    h.previousVersion = previousVersion;
    h.backupPath = backupPath;
    h.backupSize = backupSize;
    h.backupSha256 = backupSha256;
    h.backupTime = backupTime;
    h.newImageId = newImageId;
    return h;
}

bool HostRunRecord::canRollBack() const
{
    return kind == RunKind::Upgrade && !previousImageId.isEmpty() && !backupPath.isEmpty();
}

} // namespace myst
