// Blue/green: the active instance's database read-only (ON) while its backup is taken for the
// idle one, and writable again (OFF) after; the Runner also turns it off when a run stops
// between the two (ReadOnlyGuard). The mysql client runs in the database container with the
// container's own credentials, and prints @@global.read_only, which must then say 1 or 0.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"

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
    const QString said = out.stdoutLines.isEmpty() ? QString() : out.stdoutLines.last().trimmed();
    const QString expected = on ? QStringLiteral("1") : QStringLiteral("0");
    if (said != expected) {
        outcome.message =
            QStringLiteral("the database on %1 says read_only = %2 afterwards, "
                           "not %3")
                .arg(step.role, said.isEmpty() ? QStringLiteral("nothing") : said, expected);
        return outcome;
    }
    outcome.ok = true;
    outcome.message = on ? QStringLiteral("%1 is read-only: writes are refused").arg(step.role)
                         : QStringLiteral("%1 accepts writes again").arg(step.role);
    return outcome;
}

} // namespace myst
