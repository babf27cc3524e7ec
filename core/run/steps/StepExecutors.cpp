#include "core/run/steps/StepExecutors.h"

namespace myst {

StepExecutor executorFor(StepKind kind)
{
    switch (kind) {
    case StepKind::RecordImage:
        return &runRecordImage;
    case StepKind::Script:
    case StepKind::RetagImage:
        return &runScriptStep;
    case StepKind::Backup:
        return &runBackup;
    case StepKind::Verify:
        return &runVerify;
    case StepKind::CheckRollback:
        return &runCheckRollback;
    case StepKind::CheckReadiness:
        return &runCheckReadiness;
    case StepKind::CheckBackup:
        return &runCheckBackup;
    case StepKind::CopyBackup:
        return &runCopyBackup;
    case StepKind::RestoreCopy:
        return &runRestoreCopy;
    case StepKind::CheckImage:
        return &runCheckImage;
    case StepKind::Gate:
        return &runGate;
    case StepKind::UploadImage:
        return &runUploadImage;
    case StepKind::LoadImage:
        return &runLoadImage;
    case StepKind::CheckActive:
        return &runCheckActive;
    case StepKind::ReadOnly:
        return &runReadOnly;
    case StepKind::SwitchTraffic:
        return &runSwitchTraffic;
    case StepKind::VerifySwitch:
        return &runVerifySwitch;
    case StepKind::RecordActive:
        return &runRecordActive;
    }
    return nullptr;
}

StepOutcome runScriptStep(StepContext& context, const Step& step, HostSession& host)
{
    return context.runScript(step, host);
}

} // namespace myst
