#include "core/journal/Journal.h"
#include "core/base/IsoTime.h"
#include "core/journal/RunNames.h"

#include "core/base/Platform.h"
#include "core/base/StatePaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSysInfo>

#include <algorithm>

namespace myst {

QString captureKeyName(CaptureKey key)
{
    switch (key) {
    case CaptureKey::PreviousImageId:
        return QStringLiteral("previousImageId");
    case CaptureKey::PreviousTags:
        return QStringLiteral("previousTags");
    case CaptureKey::PreviousVersion:
        return QStringLiteral("previousVersion");
    case CaptureKey::BackupPath:
        return QStringLiteral("backupPath");
    case CaptureKey::BackupSize:
        return QStringLiteral("backupSize");
    case CaptureKey::BackupSha256:
        return QStringLiteral("backupSha256");
    case CaptureKey::BackupTime:
        return QStringLiteral("backupTime");
    case CaptureKey::NewImageId:
        return QStringLiteral("newImageId");
    case CaptureKey::CopiedBackupPath:
        return QStringLiteral("copiedBackupPath");
    case CaptureKey::CopiedBackupSha256:
        return QStringLiteral("copiedBackupSha256");
    case CaptureKey::UploadedImagePath:
        return QStringLiteral("uploadedImagePath");
    case CaptureKey::UploadedImageSha256:
        return QStringLiteral("uploadedImageSha256");
    case CaptureKey::LoadedImageId:
        return QStringLiteral("loadedImageId");
    }
    return {};
}

void HostRecord::set(CaptureKey key, const QString& value)
{
    switch (key) {
    case CaptureKey::PreviousImageId:
        previousImageId = value;
        break;
    case CaptureKey::PreviousTags:
        previousTags = value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        break;
    case CaptureKey::PreviousVersion:
        previousVersion = value;
        break;
    case CaptureKey::BackupPath:
        backupPath = value;
        break;
    case CaptureKey::BackupSize:
        backupSize = value.toLongLong();
        break;
    case CaptureKey::BackupSha256:
        backupSha256 = value;
        break;
    case CaptureKey::BackupTime:
        backupTime = QDateTime::fromString(value, Qt::ISODate);
        break;
    case CaptureKey::NewImageId:
        newImageId = value;
        break;
    case CaptureKey::CopiedBackupPath:
        copiedBackupPath = value;
        break;
    case CaptureKey::CopiedBackupSha256:
        copiedBackupSha256 = value;
        break;
    case CaptureKey::UploadedImagePath:
        uploadedImagePath = value;
        break;
    case CaptureKey::UploadedImageSha256:
        uploadedImageSha256 = value;
        break;
    case CaptureKey::LoadedImageId:
        loadedImageId = value;
        break;
    }
}

namespace {
const char* const StatusNames[] = {"pending",   "running", "succeeded", "failed",
                                   "cancelled", "skipped", "accepted"};
constexpr int StatusCount = sizeof(StatusNames) / sizeof(StatusNames[0]);

} // namespace

namespace {
QJsonArray attemptsToJson(const QList<StepAttempt>& attempts)
{
    QJsonArray out;
    for (const StepAttempt& a : attempts)
        out.append(QJsonObject{{QStringLiteral("status"), stepStatusName(a.status)},
                               {QStringLiteral("exitCode"), a.exitCode},
                               {QStringLiteral("started"), isoUtc(a.started)},
                               {QStringLiteral("finished"), isoUtc(a.finished)},
                               {QStringLiteral("logFile"), a.logFile},
                               {QStringLiteral("message"), a.message}});
    return out;
}

QList<StepAttempt> attemptsFromJson(const QJsonArray& array)
{
    QList<StepAttempt> out;
    for (const QJsonValue& v : array) {
        const QJsonObject o = v.toObject();
        StepAttempt a;
        a.status = stepStatusFromName(o.value(QStringLiteral("status")).toString());
        a.exitCode = o.value(QStringLiteral("exitCode")).toInt(-1);
        a.started = fromIsoUtc(o.value(QStringLiteral("started")));
        a.finished = fromIsoUtc(o.value(QStringLiteral("finished")));
        a.logFile = o.value(QStringLiteral("logFile")).toString();
        a.message = o.value(QStringLiteral("message")).toString();
        out << a;
    }
    return out;
}

QJsonArray decisionsToJson(const QList<OperatorDecision>& decisions)
{
    QJsonArray out;
    for (const OperatorDecision& d : decisions)
        out.append(QJsonObject{{QStringLiteral("kind"), d.kind},
                               {QStringLiteral("step"), d.step},
                               {QStringLiteral("by"), d.by},
                               {QStringLiteral("at"), isoUtc(d.at)},
                               {QStringLiteral("note"), d.note}});
    return out;
}

QList<OperatorDecision> decisionsFromJson(const QJsonArray& array)
{
    QList<OperatorDecision> out;
    for (const QJsonValue& v : array) {
        const QJsonObject o = v.toObject();
        out << OperatorDecision{
            o.value(QStringLiteral("kind")).toString(), o.value(QStringLiteral("step")).toInt(-1),
            o.value(QStringLiteral("by")).toString(), fromIsoUtc(o.value(QStringLiteral("at"))),
            o.value(QStringLiteral("note")).toString()};
    }
    return out;
}

QJsonObject stringMapToJson(const QMap<QString, QString>& map)
{
    QJsonObject out;
    for (auto it = map.begin(); it != map.end(); ++it)
        out.insert(it.key(), it.value());
    return out;
}
} // namespace

QString stepStatusName(StepStatus status)
{
    return QString::fromLatin1(StatusNames[static_cast<int>(status)]);
}

StepStatus stepStatusFromName(const QString& name)
{
    for (int i = 0; i < StatusCount; ++i) {
        if (name == QLatin1String(StatusNames[i])) {
            return static_cast<StepStatus>(i);
        }
    }
    return StepStatus::Pending;
}

void StepRecord::startAnotherAttempt(const QString& why)
{
    attempts << StepAttempt{status,   exitCode, started,
                            finished, logFile,  message.isEmpty() ? why : message};
    const QFileInfo first(attempts.first().logFile);
    logFile = first.path() + QLatin1Char('/') + first.completeBaseName() +
              QStringLiteral("-try%1.log").arg(attempts.size() + 1);
    status = StepStatus::Pending;
    exitCode = -1;
    started = finished = {};
    message.clear();
    judgement.clear();
}

OperatorDecision OperatorDecision::now(const QString& kind, int step, const QString& note)
{
    return {kind, step, platform::accountName() + QLatin1Char('@') + QSysInfo::machineHostName(),
            QDateTime::currentDateTimeUtc(), note};
}

bool isValidRunId(const QString& runId)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$"));
    return re.match(runId).hasMatch();
}

Journal Journal::create(const QString& kind)
{
    Journal j;
    j.kind = kind;
    j.started = QDateTime::currentDateTimeUtc();
    j.runId = j.started.toString(QStringLiteral("yyyyMMdd-HHmmss-")) +
              QStringLiteral("%1").arg(QRandomGenerator::global()->bounded(0x10000), 4, 16,
                                       QLatin1Char('0'));
    QDir().mkpath(j.logDirectory());
    QFile::setPermissions(j.logDirectory(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return j;
}

QString Journal::filePath() const
{
    return runsDirectory() + QLatin1Char('/') + runId + QStringLiteral(".json");
}

QString Journal::logDirectory() const
{
    return runsDirectory() + QLatin1Char('/') + runId;
}

QJsonObject Journal::toJson() const
{
    QJsonObject recs;
    for (auto it = records.begin(); it != records.end(); ++it) {
        recs.insert(it.key(),
                    QJsonObject{{QStringLiteral("previousImageId"), it->previousImageId},
                                {QStringLiteral("previousTags"),
                                 QJsonArray::fromStringList(it->previousTags)},
                                {QStringLiteral("previousVersion"), it->previousVersion},
                                {QStringLiteral("backupPath"), it->backupPath},
                                {QStringLiteral("backupSize"), it->backupSize},
                                {QStringLiteral("backupSha256"), it->backupSha256},
                                {QStringLiteral("backupTime"), isoUtc(it->backupTime)},
                                {QStringLiteral("newImageId"), it->newImageId},
                                {QStringLiteral("copiedBackupPath"), it->copiedBackupPath},
                                {QStringLiteral("copiedBackupSha256"), it->copiedBackupSha256},
                                {QStringLiteral("uploadedImagePath"), it->uploadedImagePath},
                                {QStringLiteral("uploadedImageSha256"), it->uploadedImageSha256},
                                {QStringLiteral("loadedImageId"), it->loadedImageId}});
    }
    QJsonArray stepArray;
    for (const StepRecord& s : steps) {
        stepArray.append(
            QJsonObject{{QStringLiteral("id"), s.id},
                        {QStringLiteral("title"), s.title},
                        {QStringLiteral("role"), s.role},
                        {QStringLiteral("command"), s.command},
                        {QStringLiteral("status"), stepStatusName(s.status)},
                        {QStringLiteral("exitCode"), s.exitCode},
                        {QStringLiteral("started"), isoUtc(s.started)},
                        {QStringLiteral("finished"), isoUtc(s.finished)},
                        {QStringLiteral("logFile"), s.logFile},
                        {QStringLiteral("message"), s.message},
                        {QStringLiteral("attempts"), attemptsToJson(s.attempts)},
                        {QStringLiteral("judgement"), QJsonArray::fromStringList(s.judgement)}});
    }
    return {{QStringLiteral("runId"), runId},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("approach"), approach},
            {QStringLiteral("targetVersion"), targetVersion},
            {QStringLiteral("site"), sitePath},
            {QStringLiteral("rollbackOf"), rollbackOf},
            {QStringLiteral("status"), status},
            {QStringLiteral("message"), message},
            {QStringLiteral("started"), isoUtc(started)},
            {QStringLiteral("finished"), isoUtc(finished)},
            {QStringLiteral("outageMs"), outageMs},
            {QStringLiteral("hosts"), hosts},
            {QStringLiteral("records"), recs},
            {QStringLiteral("steps"), stepArray},
            {QStringLiteral("plan"), plan},
            {QStringLiteral("pid"), pid},
            {QStringLiteral("machine"), machine},
            {QStringLiteral("decisions"), decisionsToJson(decisions)},
            {QStringLiteral("bootIds"), stringMapToJson(bootIds)}};
}

Journal Journal::fromJson(const QJsonObject& json)
{
    Journal j;
    j.runId = json.value(QStringLiteral("runId")).toString();
    j.kind = json.value(QStringLiteral("kind")).toString();
    j.approach = json.value(QStringLiteral("approach")).toString();
    j.targetVersion = json.value(QStringLiteral("targetVersion")).toString();
    j.sitePath = json.value(QStringLiteral("site")).toString();
    j.rollbackOf = json.value(QStringLiteral("rollbackOf")).toString();
    j.status = json.value(QStringLiteral("status")).toString();
    j.message = json.value(QStringLiteral("message")).toString();
    j.started = fromIsoUtc(json.value(QStringLiteral("started")));
    j.finished = fromIsoUtc(json.value(QStringLiteral("finished")));
    j.outageMs = json.value(QStringLiteral("outageMs")).toInteger(-1);
    j.hosts = json.value(QStringLiteral("hosts")).toObject();
    j.plan = json.value(QStringLiteral("plan")).toObject();
    j.pid = json.value(QStringLiteral("pid")).toInteger(0);
    j.machine = json.value(QStringLiteral("machine")).toString();
    const QJsonObject recs = json.value(QStringLiteral("records")).toObject();
    for (auto it = recs.begin(); it != recs.end(); ++it) {
        const QJsonObject r = it.value().toObject();
        HostRecord h;
        h.previousImageId = r.value(QStringLiteral("previousImageId")).toString();
        for (const QJsonValue& t : r.value(QStringLiteral("previousTags")).toArray()) {
            h.previousTags << t.toString();
        }
        h.previousVersion = r.value(QStringLiteral("previousVersion")).toString();
        h.backupPath = r.value(QStringLiteral("backupPath")).toString();
        h.backupSize = r.value(QStringLiteral("backupSize")).toInteger(-1);
        h.backupSha256 = r.value(QStringLiteral("backupSha256")).toString();
        h.backupTime = fromIsoUtc(r.value(QStringLiteral("backupTime")));
        h.newImageId = r.value(QStringLiteral("newImageId")).toString();
        h.copiedBackupPath = r.value(QStringLiteral("copiedBackupPath")).toString();
        h.copiedBackupSha256 = r.value(QStringLiteral("copiedBackupSha256")).toString();
        h.uploadedImagePath = r.value(QStringLiteral("uploadedImagePath")).toString();
        h.uploadedImageSha256 = r.value(QStringLiteral("uploadedImageSha256")).toString();
        h.loadedImageId = r.value(QStringLiteral("loadedImageId")).toString();
        j.records.insert(it.key(), h);
    }
    for (const QJsonValue& v : json.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject o = v.toObject();
        StepRecord s;
        s.id = o.value(QStringLiteral("id")).toString();
        s.title = o.value(QStringLiteral("title")).toString();
        s.role = o.value(QStringLiteral("role")).toString();
        s.command = o.value(QStringLiteral("command")).toString();
        s.status = stepStatusFromName(o.value(QStringLiteral("status")).toString());
        s.exitCode = o.value(QStringLiteral("exitCode")).toInt(-1);
        s.started = fromIsoUtc(o.value(QStringLiteral("started")));
        s.finished = fromIsoUtc(o.value(QStringLiteral("finished")));
        s.logFile = o.value(QStringLiteral("logFile")).toString();
        s.message = o.value(QStringLiteral("message")).toString();
        s.attempts = attemptsFromJson(o.value(QStringLiteral("attempts")).toArray());
        for (const QJsonValue& line : o.value(QStringLiteral("judgement")).toArray())
            s.judgement << line.toString();
        j.steps << s;
    }
    j.decisions = decisionsFromJson(json.value(QStringLiteral("decisions")).toArray());
    const QJsonObject boots = json.value(QStringLiteral("bootIds")).toObject();
    for (auto it = boots.begin(); it != boots.end(); ++it)
        j.bootIds.insert(it.key(), it.value().toString());
    return j;
}

bool Journal::save(QString* error) const
{
    // QSaveFile writes a temporary file, fsyncs it and renames it over the old one.
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly)) {
        *error =
            QStringLiteral("Cannot write the journal %1: %2").arg(filePath(), file.errorString());
        return false;
    }
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner); // hosts, paths: the owner's
    file.write(QJsonDocument(toJson()).toJson());
    if (!file.commit()) {
        *error =
            QStringLiteral("Cannot write the journal %1: %2").arg(filePath(), file.errorString());
        return false;
    }
    return true;
}

std::optional<Journal> Journal::load(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 is not a journal").arg(path);
        return std::nullopt;
    }
    return fromJson(doc.object());
}

std::optional<Journal> Journal::loadRun(const QString& runId, QString* error)
{
    if (!isValidRunId(runId)) {
        *error = QStringLiteral("\"%1\" is not a run ID (see `myst-upgrade runs`)").arg(runId);
        return std::nullopt;
    }
    return load(runsDirectory() + QLatin1Char('/') + runId + QStringLiteral(".json"), error);
}

QList<Journal> Journal::loadAll()
{
    QList<Journal> all;
    const QFileInfoList files =
        QDir(runsDirectory()).entryInfoList({QStringLiteral("*.json")}, QDir::Files);
    for (const QFileInfo& f : files) {
        QString error;
        if (auto j = load(f.filePath(), &error)) {
            all << *j;
        }
    }
    std::sort(all.begin(), all.end(), [](const Journal& a, const Journal& b) {
        return a.started != b.started ? a.started > b.started : a.runId > b.runId;
    });
    return all;
}

std::optional<Journal> Journal::earlierRecord(const QString& sitePath, const QString& role,
                                              const QString& currentImageId,
                                              const QString& exceptRunId)
{
    const QString wanted = QFileInfo(sitePath).absoluteFilePath();
    for (const Journal& j : loadAll()) {
        if (j.runId == exceptRunId || j.kind == RunKind::Rollback ||
            QFileInfo(j.sitePath).absoluteFilePath() != wanted) {
            continue;
        }
        const HostRecord r = j.records.value(role);
        if (!r.previousImageId.isEmpty() && r.previousImageId != currentImageId) {
            return j;
        }
    }
    return std::nullopt;
}

std::optional<Journal> Journal::lastUpgrade(const QString& sitePath)
{
    const QString wanted = QFileInfo(sitePath).absoluteFilePath();
    for (const Journal& j : loadAll()) {
        if (j.kind == RunKind::Upgrade && QFileInfo(j.sitePath).absoluteFilePath() == wanted) {
            return j;
        }
    }
    return std::nullopt;
}

std::optional<Journal> Journal::lastUnfinished(const QString& sitePath)
{
    const QString wanted = QFileInfo(sitePath).absoluteFilePath();
    bool newest = true;
    for (const Journal& j : loadAll()) {
        if (QFileInfo(j.sitePath).absoluteFilePath() != wanted)
            continue;
        // A failed run stays open to Retry until another run of the site starts: after that,
        // its failed step is history, not a way on.
        if (j.isUnfinished() || (newest && j.isRetryable()))
            return j;
        newest = false;
    }
    return std::nullopt;
}

int Journal::firstUndoneStep() const
{
    for (int i = 0; i < steps.size(); ++i) {
        if (!isDone(steps.at(i).status))
            return i;
    }
    return -1;
}

bool Journal::ownerIsAlive() const
{
    if (pid <= 0 || machine != QSysInfo::machineHostName() ||
        pid == QCoreApplication::applicationPid()) {
        return false;
    }
    // The process exists (a reused PID would have to be a myst program, too).
    if (!platform::processExists(pid)) {
        return false;
    }
    const std::optional<QByteArray> name = platform::processName(pid);
    return !name || name->startsWith("myst-");
}

} // namespace myst
