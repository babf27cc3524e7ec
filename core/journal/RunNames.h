#pragma once

#include <QString>

namespace myst {

// The names a run's kind, status and approach, and a host's login method, have in journals,
// site files, JSON events and plans: spelled here once, compared by these names everywhere.
namespace RunKind {
inline const QString Upgrade = QStringLiteral("upgrade");
inline const QString Rollback = QStringLiteral("rollback");
inline const QString Upload = QStringLiteral("upload");
inline const QString Switch = QStringLiteral("switch"); // blue/green: traffic to the other one
} // namespace RunKind

namespace RunStatus {
inline const QString Running = QStringLiteral("running");
inline const QString Interrupted = QStringLiteral("interrupted"); // may still run on a host
inline const QString Succeeded = QStringLiteral("succeeded");
inline const QString Failed = QStringLiteral("failed");
inline const QString Cancelled = QStringLiteral("cancelled");
inline const QString RolledBack = QStringLiteral("rolled-back"); // interrupted, then undone
} // namespace RunStatus

// What an operator chose after a failed step (OperatorDecision::kind).
namespace DecisionKind {
inline const QString Retry = QStringLiteral("retry");   // the step runs again
inline const QString Accept = QStringLiteral("accept"); // a judgement failure is accepted
inline const QString Leave = QStringLiteral("leave");   // the run ends; the hosts stay as they are
} // namespace DecisionKind

namespace Approach {
inline const QString InPlace = QStringLiteral("in-place");
inline const QString Phased = QStringLiteral("phased");
inline const QString ZeroDowntime = QStringLiteral("zero-downtime");
inline const QString Offline = QStringLiteral("offline");   // an upload run
inline const QString Rollback = QStringLiteral("rollback"); // a rollback run
} // namespace Approach

namespace AuthMethod {
inline const QString Agent = QStringLiteral("agent");
inline const QString Key = QStringLiteral("key");
inline const QString Password = QStringLiteral("password");
} // namespace AuthMethod

} // namespace myst
