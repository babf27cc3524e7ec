// Blue/green: the new active instance, recorded on both hosts (active.json) and in the site
// file, so that the next upgrade goes the other way without being told.
#include "core/run/steps/StepExecutors.h"

#include "core/base/Platform.h"
#include "core/host/ActiveRoleStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace myst {

namespace {
// Only blueGreen.active changes in the file as it is on disk now (not as this run read it):
// an edit made meanwhile is kept.
bool writeSiteActive(const QString& path, const QString& active, QString* error)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = in.errorString();
        return false;
    }
    QJsonObject json = QJsonDocument::fromJson(in.readAll()).object();
    in.close();
    if (json.isEmpty()) {
        *error = QStringLiteral("it is not a JSON object any more");
        return false;
    }
    QJsonObject bg = json.value(QStringLiteral("blueGreen")).toObject();
    bg.insert(QStringLiteral("active"), active);
    json.insert(QStringLiteral("blueGreen"), bg);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = out.errorString();
        return false;
    }
    out.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    out.write(QJsonDocument(json).toJson());
    if (!out.commit()) {
        *error = out.errorString();
        return false;
    }
    platform::makePrivate(path); // Windows: as Site::save
    return true;
}
} // namespace

StepOutcome runRecordActive(StepContext& context, const Step& step, HostSession& host)
{
    SshStatus status;
    HostSession* other = context.host(step.sourceRole, &status);
    QStringList failures;
    if (!other)
        failures << QStringLiteral("%1: %2").arg(step.sourceRole, status.message);
    for (const auto& [role, session] : {std::pair<QString, HostSession*>{step.role, &host},
                                        std::pair<QString, HostSession*>{step.sourceRole, other}}) {
        if (!session)
            continue;
        const QString home = context.site().hosts.value(role).mystHome;
        QString error;
        if (ActiveRoleStore::write(*session, home, step.role, context.journal().runId, &error))
            context.log(OutputStream::Stdout,
                        QStringLiteral("%1: %2 records %3 as active")
                            .arg(role, ActiveRoleStore::filePath(home), step.role));
        else
            failures << QStringLiteral("%1: %2").arg(role, error);
    }
    QString error;
    const QString sitePath = context.site().path;
    if (writeSiteActive(sitePath, step.role, &error))
        context.log(OutputStream::Stdout,
                    QStringLiteral("%1: blueGreen.active = %2").arg(sitePath, step.role));
    else
        failures << QStringLiteral("the site file %1: %2").arg(sitePath, error);
    if (!failures.isEmpty()) {
        return {false, -1,
                QStringLiteral("traffic goes to %1, but it could not be recorded everywhere "
                               "(%2); resume the run to record it, or the next run stops at the "
                               "disagreement")
                    .arg(step.role, failures.join(QStringLiteral("; ")))};
    }
    return {true, 0,
            QStringLiteral("%1 is the active instance (site and both hosts)").arg(step.role)};
}

} // namespace myst
