// Phased: the operator decides to go on to production (the CLI's --yes decides at once).
#include "core/journal/RunNames.h"
#include "core/run/steps/StepExecutors.h"

namespace myst {

StepOutcome runGate(StepContext& context, const Step& step, HostSession&)
{
    const bool blueGreen = context.plan().approach == Approach::ZeroDowntime;
    const QString summary =
        blueGreen ? QStringLiteral("%1 is verified on MyST Studio %2. Switch traffic from %3 to "
                                   "%1? Changes made on %3 after its backup are not on %1 and "
                                   "are lost.")
                        .arg(step.role, context.plan().targetVersion, step.sourceRole)
                  : QStringLiteral("%1 is verified on MyST Studio %2. Go on with %3 (outage)?")
                        .arg(step.sourceRole, context.plan().targetVersion, step.role);
    context.log(OutputStream::Stdout, summary);
    if (!context.waitAtGate(summary)) {
        return {
            false, -1,
            blueGreen
                ? QStringLiteral("Stopped before the switch: %1 still serves").arg(step.sourceRole)
                : QStringLiteral("Stopped before %1: nothing was changed there").arg(step.role)};
    }
    return {true, 0, QStringLiteral("approved")};
}

} // namespace myst
