// Phased: the operator decides to go on to production (the CLI's --yes decides at once).
#include "core/run/steps/StepExecutors.h"

namespace myst {

StepOutcome runGate(StepContext& context, const Step& step, HostSession&)
{
    const QString summary =
        QStringLiteral("%1 is verified on MyST Studio %2. Go on with %3 (outage)?")
            .arg(step.sourceRole, context.plan().targetVersion, step.role);
    context.log(OutputStream::Stdout, summary);
    if (!context.waitAtGate(summary)) {
        return {false, -1,
                QStringLiteral("Stopped before %1: nothing was changed there").arg(step.role)};
    }
    return {true, 0, QStringLiteral("approved")};
}

} // namespace myst
