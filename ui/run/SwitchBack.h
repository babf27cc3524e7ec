#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <optional>

namespace myst {

// Blue/green: after the switch, the rollback is switching back to the instance that served
// before (it still runs its version, untouched): the `switch` plan to it, when `upgrade` is a
// zero-downtime run that recorded the new active instance. None otherwise (before the switch
// there is nothing to switch back; the idle instance is rolled back as usual).
inline std::optional<Plan> switchBackPlan(const Plan& plan, const Journal* upgrade,
                                          const Site& site)
{
    if (!upgrade || plan.approach != Approach::ZeroDowntime || plan.kind != RunKind::Upgrade ||
        plan.steps.isEmpty() || upgrade->steps.size() != plan.steps.size())
        return std::nullopt;
    const int last = int(plan.steps.size()) - 1;
    if (plan.steps.at(last).kind != StepKind::RecordActive ||
        upgrade->steps.at(last).status != StepStatus::Succeeded)
        return std::nullopt;
    return switchPlan(site, plan.steps.at(last).sourceRole);
}

} // namespace myst
