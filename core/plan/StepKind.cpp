#include "core/plan/StepKind.h"

#include <QJsonValue>

#include <iterator>

namespace myst {

namespace {
struct KindName
{
    StepKind kind;
    const char* name;
};
const KindName Names[] = {
    {StepKind::RecordImage, "record-image"},
    {StepKind::Script, "script"},
    {StepKind::Backup, "backup"},
    {StepKind::Verify, "verify"},
    {StepKind::CheckRollback, "check-rollback"},
    {StepKind::RetagImage, "retag-image"},
    {StepKind::CopyBackup, "copy-backup"},
    {StepKind::RestoreCopy, "restore-copy"},
    {StepKind::CheckImage, "check-image"},
    {StepKind::Gate, "gate"},
    {StepKind::UploadImage, "upload-image"},
    {StepKind::LoadImage, "load-image"},
    {StepKind::CheckReadiness, "check-readiness"},
    {StepKind::CheckActive, "check-active"},
    {StepKind::ReadOnly, "read-only"},
    {StepKind::SwitchTraffic, "switch-traffic"},
    {StepKind::VerifySwitch, "verify-switch"},
    {StepKind::RecordActive, "record-active"},
    {StepKind::CheckBackup, "check-backup"},
};
// Journals before names were stored wrote the kind as its number in this order (frozen).
const StepKind LegacyOrder[] = {
    StepKind::RecordImage,    StepKind::Script,     StepKind::Backup,      StepKind::Verify,
    StepKind::CheckRollback,  StepKind::RetagImage, StepKind::CopyBackup,  StepKind::RestoreCopy,
    StepKind::CheckImage,     StepKind::Gate,       StepKind::UploadImage, StepKind::LoadImage,
    StepKind::CheckReadiness,
};
} // namespace

QString stepKindName(StepKind kind)
{
    for (const KindName& k : Names) {
        if (k.kind == kind)
            return QLatin1String(k.name);
    }
    return {};
}

std::optional<StepKind> stepKindFromName(const QString& name)
{
    for (const KindName& k : Names) {
        if (name == QLatin1String(k.name))
            return k.kind;
    }
    return std::nullopt;
}

std::optional<StepKind> stepKindFromJson(const QJsonValue& value)
{
    if (value.isString())
        return stepKindFromName(value.toString());
    const int n = value.toInt(-1);
    if (value.isDouble() && n >= 0 && n < int(std::size(LegacyOrder)))
        return LegacyOrder[n];
    return std::nullopt;
}

} // namespace myst
