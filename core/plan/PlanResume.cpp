#include "core/plan/PlanResume.h"
#include "core/journal/RunNames.h"

namespace myst {

namespace {
const Step* findStep(const Plan& plan, StepKind kind)
{
    for (const Step& step : plan.steps) {
        if (step.kind == kind)
            return &step;
    }
    return nullptr;
}

OfflineImage offlineImageOf(const Plan& recorded)
{
    OfflineImage offline;
    const Step* upload = findStep(recorded, StepKind::UploadImage);
    const Step* load = findStep(recorded, StepKind::LoadImage);
    if (upload && load) {
        offline.localPath = upload->localPath;
        offline.imageId = load->imageId;
        offline.manifestId = load->manifestId;
        offline.version = load->expectVersion;
    }
    return offline;
}

std::optional<Plan> rebuild(const Plan& recorded, const Site& site, QString* error)
{
    const auto host = [&](const QString& role) { return site.hosts.value(role); };
    const QString firstRole = recorded.steps.value(0).role;
    const OfflineImage offline = offlineImageOf(recorded);
    if (recorded.kind == RunKind::Upgrade && recorded.approach == Approach::InPlace)
        return inPlaceUpgradePlan(host(firstRole), recorded.targetVersion, offline);
    if (recorded.kind == RunKind::Upgrade && recorded.approach == Approach::Phased) {
        const Step* restore = findStep(recorded, StepKind::RestoreCopy);
        return phasedUpgradePlan(host(QStringLiteral("nonprod")), host(QStringLiteral("prod")),
                                 recorded.targetVersion, restore != nullptr, offline,
                                 restore && restore->keepFile);
    }
    if (recorded.kind == RunKind::Upgrade && recorded.approach == Approach::ZeroDowntime) {
        // The instance that was active when it was planned: the site may have moved on since.
        const Step* check = findStep(recorded, StepKind::CheckActive);
        if (!check || !BlueGreen::isRole(check->role) || !site.blueGreen.set) {
            *error = QStringLiteral("its plan names no active instance, or the site no longer "
                                    "has a blueGreen block");
            return std::nullopt;
        }
        return zeroDowntimePlan(site, check->role, recorded.targetVersion, offline);
    }
    if (recorded.kind == RunKind::Switch) {
        const Step* record = findStep(recorded, StepKind::RecordActive);
        if (!record || !BlueGreen::isRole(record->role) || !site.blueGreen.set) {
            *error = QStringLiteral("its plan names no instance to switch to");
            return std::nullopt;
        }
        return switchPlan(site, record->role);
    }
    if (recorded.kind == RunKind::Upload && offline.isSet())
        return uploadPlan(host(firstRole), offline);
    if (recorded.kind == RunKind::Rollback) {
        const Step* check = findStep(recorded, StepKind::CheckRollback);
        if (!check) {
            *error = QStringLiteral("its rollback plan names no image and backup");
            return std::nullopt;
        }
        HostRecord record;
        record.previousImageId = check->imageId;
        record.backupPath = check->backupPath;
        record.backupSha256 = check->backupSha256;
        record.backupSize = check->backupSize;
        record.previousVersion = recorded.targetVersion;
        Plan plan = rollbackPlan(host(firstRole), record, error);
        if (plan.steps.isEmpty())
            return std::nullopt;
        return plan;
    }
    *error = QStringLiteral("this version cannot build a %1 (%2) plan")
                 .arg(recorded.kind, recorded.approach);
    return std::nullopt;
}
} // namespace

std::optional<Plan> resumePlan(const Journal& run, const Site& site, QString* error)
{
    QString why;
    const std::optional<Plan> recorded = planFromJson(run.plan, &why);
    if (!recorded || recorded->steps.size() != run.steps.size()) {
        *error = QStringLiteral("run %1 cannot be resumed: %2")
                     .arg(run.runId, recorded ? QStringLiteral("its plan and steps differ") : why);
        return std::nullopt;
    }
    for (const QString& role : recorded->roles()) {
        if (!site.hosts.contains(role)) {
            *error = QStringLiteral("the site file no longer has the host \"%1\" of run %2")
                         .arg(role, run.runId);
            return std::nullopt;
        }
    }
    std::optional<Plan> plan = rebuild(*recorded, site, &why);
    if (!plan) {
        *error = QStringLiteral("run %1 cannot be resumed: %2").arg(run.runId, why);
        return std::nullopt;
    }
    bool same = plan->steps.size() == recorded->steps.size();
    for (int i = 0; same && i < plan->steps.size(); ++i) {
        const Step& a = plan->steps.at(i);
        const Step& b = recorded->steps.at(i);
        same = a.id == b.id && a.role == b.role && a.kind == b.kind;
    }
    if (!same) {
        *error = QStringLiteral("run %1 cannot be resumed: its journal's steps are not the ones "
                                "its plan makes (edited, or written by another version)")
                     .arg(run.runId);
        return std::nullopt;
    }
    return plan;
}

} // namespace myst
