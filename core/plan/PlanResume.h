#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <optional>

namespace myst {

// The plan to resume an interrupted run with. A journal is a file: its commands are never run
// as written. The plan is built again by the same plan builders, from the values the journal
// recorded (approach, version, the offline image, the rollback's image and backup, the copy
// option), each validated, and the site's hosts; it must then have the journal's steps (ids,
// hosts, kinds) in the journal's order, or the run is not resumed.
std::optional<Plan> resumePlan(const Journal& run, const Site& site, QString* error);

} // namespace myst
