#include "core/session/RunSession.h"
#include "core/journal/RunNames.h"

#include "core/base/Validation.h"
#include "core/host/ImageArchive.h"
#include "core/plan/PlanResume.h"

#include <QFileInfo>

namespace myst::RunSession {

bool readOfflineImage(const QString& path, OfflineImage* image, QString* error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const ImageArchive archive = ImageArchive::read(absolute);
    if (!archive.ok) {
        *error =
            QStringLiteral("%1 is not usable as an offline image: %2").arg(path, archive.error);
        return false;
    }
    if (!isValidImageId(archive.imageId)) {
        *error = QStringLiteral("%1: cannot tell the image ID").arg(path);
        return false;
    }
    *image = OfflineImage::from(archive);
    return true;
}

bool planUpgrade(const Site& site, const UpgradeRequest& request, Plan* plan, QString* error)
{
    const QString& approach = request.approach;
    QString version = request.version;
    OfflineImage offline = request.offline;
    if (!offline.isSet() && !request.imageArchive.isEmpty() &&
        !readOfflineImage(request.imageArchive, &offline, error)) {
        return false;
    }
    if (offline.isSet() && !offlineVersion(offline, version, &version, error)) {
        return false;
    }
    if (approach.isEmpty() || version.isEmpty()) {
        *error = QStringLiteral("--approach and --version are required");
        return false;
    }
    if (!isValidVersion(version)) {
        *error = QStringLiteral("\"%1\" is not a version (letters, digits, '.', '_' and '-', "
                                "starting with a letter or digit)")
                     .arg(version);
        return false;
    }
    if (request.keepProdCopy && !request.copyProdData) {
        *error = QStringLiteral("--keep-prod-copy goes with --copy-prod-data");
        return false;
    }
    if (approach == Approach::Phased) {
        for (const char* needed : {"nonprod", "prod"}) {
            if (!site.hosts.contains(QLatin1String(needed))) {
                *error = QStringLiteral("the phased approach needs hosts \"nonprod\" and \"prod\" "
                                        "in the site file (it has: %1)")
                             .arg(site.hosts.keys().join(QStringLiteral(", ")));
                return false;
            }
        }
        *plan = phasedUpgradePlan(site.hosts.value(QStringLiteral("nonprod")),
                                  site.hosts.value(QStringLiteral("prod")), version,
                                  request.copyProdData, offline, request.keepProdCopy);
        return true;
    }
    if (request.copyProdData) {
        *error = QStringLiteral("--copy-prod-data goes with --approach phased");
        return false;
    }
    if (approach == Approach::ZeroDowntime) {
        if (!site.blueGreen.set) {
            *error = QStringLiteral("the zero-downtime approach needs hosts \"blue\" and "
                                    "\"green\" and a \"blueGreen\" block in the site file "
                                    "({\"active\": \"blue\", \"switch\": \"manual\"})");
            return false;
        }
        if (!request.role.isEmpty() && request.role != site.blueGreen.idle()) {
            *error = QStringLiteral("%1 is the active instance (blueGreen.active): a "
                                    "zero-downtime upgrade upgrades the idle one, %2")
                         .arg(site.blueGreen.active, site.blueGreen.idle());
            return false;
        }
        *plan = zeroDowntimePlan(site, site.blueGreen.active, version, offline);
        return true;
    }
    if (approach != Approach::InPlace) {
        *error = QStringLiteral("unknown approach \"%1\" (in-place, phased, zero-downtime)")
                     .arg(approach);
        return false;
    }
    const QString role = request.role.isEmpty() ? site.defaultRole() : request.role;
    if (role.isEmpty() || !site.hosts.contains(role)) {
        *error =
            QStringLiteral("the site file has no \"prod\" host; name one with --role (it has: %1)")
                .arg(site.hosts.keys().join(QStringLiteral(", ")));
        return false;
    }
    *plan = inPlaceUpgradePlan(site.hosts.value(role), version, offline);
    return true;
}

bool planSwitch(const Site& site, const QString& toRole, Plan* plan, QString* error)
{
    if (!site.blueGreen.set) {
        *error = QStringLiteral("the site file has no \"blueGreen\" block: nothing to switch");
        return false;
    }
    if (!BlueGreen::isRole(toRole)) {
        *error = QStringLiteral("--to must be blue or green");
        return false;
    }
    if (toRole == site.blueGreen.active) {
        *error = QStringLiteral("%1 is already the active instance (blueGreen.active in %2): "
                                "nothing to switch. Nothing was changed.")
                     .arg(toRole, site.path);
        return false;
    }
    *plan = switchPlan(site, toRole);
    return true;
}

QString rollbackRole(const Journal& upgrade, const Site& site, const QString& asked)
{
    if (!asked.isEmpty())
        return asked;
    if (upgrade.records.contains(site.defaultRole()))
        return site.defaultRole();
    return upgrade.records.isEmpty() ? QString() : upgrade.records.firstKey();
}

bool planRollback(const Site& site, const Journal& upgrade, const QString& role, Plan* plan,
                  QString* error)
{
    if (!site.hosts.contains(role)) {
        *error = QStringLiteral("the site file has no host with role \"%1\"").arg(role);
        return false;
    }
    *plan = rollbackPlan(site.hosts.value(role), upgrade.records.value(role), error);
    return !plan->steps.isEmpty();
}

std::optional<Plan> planResume(const Journal& run, const Site& site, QString* error)
{
    return resumePlan(run, site, error);
}

ResumePoint resumePoint(const Journal& run)
{
    for (int i = 0; i < run.steps.size(); ++i) {
        const StepRecord& step = run.steps.at(i);
        if (!isDone(step.status)) {
            return {i,
                    QStringLiteral("step %1 \"%2\" on %3").arg(i + 1).arg(step.title, step.role)};
        }
    }
    return {-1, QStringLiteral("the end")};
}

std::optional<Journal> rolledBackBy(const Journal& upgrade, const QString& role,
                                    const QList<Journal>& journals)
{
    for (const Journal& j : journals) { // newest first
        if (j.kind != RunKind::Rollback || j.rollbackOf != upgrade.runId ||
            j.status != RunStatus::Succeeded)
            continue;
        for (const StepRecord& step : j.steps) {
            if (step.role == role)
                return j;
        }
    }
    return std::nullopt;
}

Journal newJournal(const Plan& plan, const QString& rollbackOf)
{
    Journal journal = Journal::create(plan.kind);
    journal.rollbackOf = rollbackOf;
    return journal;
}

} // namespace myst::RunSession
