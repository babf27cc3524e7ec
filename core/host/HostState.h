#pragma once

#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QString>

namespace myst {

// What runs on a MyST host now, in one line, for a message after a failed step or a restart:
// "myststudio_web: Exited (255) 40 seconds ago, myststudio_db: Exited (255) 40 seconds ago".
// Only names and statuses that look like docker's are quoted (the rest of what a host prints
// is not repeated in a message).
QString describeContainers(HostSession& session, const SiteHost& host);

} // namespace myst
