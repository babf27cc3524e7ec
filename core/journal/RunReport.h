#pragma once

#include "core/journal/Journal.h"

#include <optional>

namespace myst {

// A report of a run for the change record: outcome, versions before and after, backup,
// durations, outage, and each step. Markdown, so it pastes into any ticket system.
QString runReportMarkdown(const Journal& run,
                          const std::optional<Journal>& rollback = std::nullopt);

} // namespace myst
