#pragma once

#include "core/plan/Plan.h"

#include <QString>

namespace myst {

// Whether a failed step may be run again as it is (Retry), and why: each kind's executor
// decides here, beside the executors, with the reason an operator reads before pressing Retry.
struct RetrySafety
{
    bool safe = false;
    QString reason;
};

RetrySafety retrySafety(const Step& step);

} // namespace myst
