// Blue/green: the active instance's database read-only (ON) while its backup is taken for the
// idle one, and writable again (OFF) after; the Runner also turns it off when a run stops
// between the two (ReadOnlyGuard). The scripts (core/host/ReadOnlyScripts.h) run in the
// database container with its own credentials: on starts the session that holds the read lock
// for the whole window, off releases it; each probes a write as root and as the application's
// account and prints @@global.read_only last, which must then say 1 or 0. On fails when a write
// still goes through; off fails when writes are still refused, or when the window had already
// ended by itself (readOnlyMaxSeconds) or lost its lock: the idle copy may then lack writes.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/run/ReadOnlyGuard.h"
#include "core/site/BlueGreen.h"
#include "core/site/Site.h"

namespace myst {

StepOutcome runReadOnly(StepContext& context, const Step& step, HostSession& host)
{
    const bool on = step.startsOutage;
    const CapturedOutput out = host.capture(hostCommandLine(step.argv), 60000);
    for (const QString& line : out.stdoutLines)
        context.log(OutputStream::Stdout, line);
    for (const QString& line : out.stderrLines)
        context.log(OutputStream::Stderr, line);
    StepOutcome outcome;
    outcome.exitCode = out.result.exitStatus;
    outcome.lost = out.result.error == SshError::Lost;
    if (!out.result.succeeded()) {
        outcome.message = QStringLiteral("could not turn %1's read-only mode %2: %3%4")
                              .arg(step.role, on ? QStringLiteral("on") : QStringLiteral("off"),
                                   out.result.describe(),
                                   out.stderrLines.isEmpty()
                                       ? QString()
                                       : QStringLiteral(" (") + out.stderrLines.last().left(300) +
                                             QLatin1Char(')'));
        return outcome;
    }
    const ReadOnlyGuard::WindowReport report = ReadOnlyGuard::readWindowReport(out.stdoutLines);
    const QString expected = on ? QStringLiteral("1") : QStringLiteral("0");
    if (report.readOnly != expected) {
        outcome.message =
            QStringLiteral("the database on %1 says read_only = %2 afterwards, "
                           "not %3")
                .arg(step.role,
                     report.readOnly.isEmpty() ? QStringLiteral("nothing") : report.readOnly,
                     expected);
        return outcome;
    }
    const QString probes =
        report.probes().isEmpty() ? QStringLiteral("no write probed") : report.probes();
    if (on) {
        // The window holds only if a write is refused for every account, root included: the
        // probe is what an operator would try, and what the guide's open session guarantees.
        if (report.heldAt <= 0) {
            outcome.message = QStringLiteral("%1 says read_only = 1, but no session holds its "
                                             "read lock: root could still write")
                                  .arg(step.role);
            return outcome;
        }
        if (!report.probeAccepted.isEmpty()) {
            outcome.message =
                QStringLiteral("%1 is read-only, but still accepts writes as %2 "
                               "(%3): the window would not hold")
                    .arg(step.role, report.probeAccepted.join(QStringLiteral(", ")), probes);
            return outcome;
        }
        outcome.ok = true;
        outcome.message = QStringLiteral("%1 is read-only: writes are refused (%2); it becomes "
                                         "writable by itself after %3 s at most")
                              .arg(step.role, probes, step.argv.value(step.argv.size() - 1));
        return outcome;
    }
    if (report.broken()) {
        // Read-only is off now, but the copy the idle instance got may lack writes made after
        // the window ended: the run stops before the switch. Its retry of this step (the
        // Runner's, or a resume's) finds nothing to report and succeeds.
        outcome.message =
            report.brokenWords(step.role, context.site().blueGreen.readOnlyMaxSeconds) +
            QStringLiteral(". Roll %1 back, or resume to switch anyway.")
                .arg(BlueGreen::otherRole(step.role));
        return outcome;
    }
    if (!report.probeRefused.isEmpty()) {
        outcome.message =
            QStringLiteral("%1 still refuses writes as %2 after its read-only mode "
                           "was turned off (%3)")
                .arg(step.role, report.probeRefused.join(QStringLiteral(", ")), probes);
        return outcome;
    }
    outcome.ok = true;
    outcome.message =
        QStringLiteral("%1 accepts writes again (%2)%3")
            .arg(step.role, probes,
                 report.windowSeconds >= 0
                     ? QStringLiteral("; the read lock was held %1 s").arg(report.windowSeconds)
                     : QString());
    return outcome;
}

} // namespace myst
