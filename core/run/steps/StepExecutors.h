#pragma once

#include "core/run/StepContext.h"

namespace myst {

// One executor per step kind, each in a file of its own here. An executor runs one planned
// step on its host through the StepContext, and says how it ended. Adding a kind: its name in
// core/plan/StepKind.h, its executor file here, one line in executorFor(), its plan builder.
using StepExecutor = StepOutcome (*)(StepContext& context, const Step& step, HostSession& host);
StepExecutor executorFor(StepKind kind);

StepOutcome runScriptStep(StepContext&, const Step&, HostSession&);     // Script, RetagImage
StepOutcome runRecordImage(StepContext&, const Step&, HostSession&);    // RecordImageStep.cpp
StepOutcome runBackup(StepContext&, const Step&, HostSession&);         // BackupStep.cpp
StepOutcome runVerify(StepContext&, const Step&, HostSession&);         // VerifyStep.cpp
StepOutcome runCheckRollback(StepContext&, const Step&, HostSession&);  // CheckRollbackStep.cpp
StepOutcome runCheckReadiness(StepContext&, const Step&, HostSession&); // CheckReadinessStep.cpp
StepOutcome runCheckBackup(StepContext&, const Step&, HostSession&);    // CheckBackupStep.cpp
StepOutcome runCopyBackup(StepContext&, const Step&, HostSession&);     // CopyBackupStep.cpp
StepOutcome runRestoreCopy(StepContext&, const Step&, HostSession&);    // RestoreCopyStep.cpp
StepOutcome runCheckImage(StepContext&, const Step&, HostSession&);     // CheckImageStep.cpp
StepOutcome runGate(StepContext&, const Step&, HostSession&);           // GateStep.cpp
StepOutcome runUploadImage(StepContext&, const Step&, HostSession&);    // UploadImageStep.cpp
StepOutcome runLoadImage(StepContext&, const Step&, HostSession&);      // LoadImageStep.cpp
StepOutcome runCheckActive(StepContext&, const Step&, HostSession&);    // CheckActiveStep.cpp
StepOutcome runReadOnly(StepContext&, const Step&, HostSession&);       // ReadOnlyStep.cpp
StepOutcome runSwitchTraffic(StepContext&, const Step&, HostSession&);  // SwitchTrafficStep.cpp
StepOutcome runVerifySwitch(StepContext&, const Step&, HostSession&);   // VerifySwitchStep.cpp
StepOutcome runRecordActive(StepContext&, const Step&, HostSession&);   // RecordActiveStep.cpp

} // namespace myst
