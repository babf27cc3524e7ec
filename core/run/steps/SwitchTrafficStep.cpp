// Blue/green: traffic to the new active instance. A command runs on this computer (no shell,
// {role} and {host} already replaced in the plan), its output in the step's log, its exit
// status checked; a manual switch is a gate that says exactly what to change.
#include "core/run/steps/StepExecutors.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"

#include <QElapsedTimer>
#include <QProcess>

namespace myst {

namespace {
StepOutcome manualSwitch(StepContext& context, const Step& step)
{
    const Site& site = context.site();
    const QString summary =
        site.blueGreen.manualInstructions(site, step.role) +
        QStringLiteral(" %1 runs MyST Studio %2 with %3's data as backed up: changes made on %3 "
                       "after that backup are not on %1 and are lost. Confirm once the change is "
                       "made.")
            .arg(step.role,
                 step.expectVersion.isEmpty() ? QStringLiteral("(its version)")
                                              : step.expectVersion,
                 step.sourceRole);
    context.log(OutputStream::Stdout, summary);
    switch (context.waitForManualChange(summary)) {
    case GateAnswer::Approved:
        return {true, 0,
                QStringLiteral("switched by hand to %1 (the operator confirmed)").arg(step.role)};
    case GateAnswer::Cancelled:
        return {false, -1,
                QStringLiteral("Stopped before the switch: %1 still serves").arg(step.sourceRole)};
    case GateAnswer::NotGiven:
        break;
    }
    StepOutcome out;
    out.waiting = true;
    out.message = QStringLiteral("The switch is manual. %1 Once it is made, continue with: "
                                 "myst-upgrade resume --site %2 --run %3 --switched --yes")
                      .arg(site.blueGreen.manualInstructions(site, step.role),
                           shellQuote(site.path), context.journal().runId);
    return out;
}

StepOutcome commandSwitch(StepContext& context, const Step& step)
{
    if (!isLocalProgramPath(step.argv.value(0)))
        return {false, -1, QStringLiteral("the switch command must be a program's absolute path")};
    context.log(OutputStream::Stdout,
                QStringLiteral("running on this computer: %1").arg(shellCommand(step.argv)));
    QProcess process; // on the worker thread: its blocking calls need no event loop
    process.setProgram(step.argv.first());
    process.setArguments(step.argv.mid(1));
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QIODevice::ReadOnly);
    if (!process.waitForStarted(10000)) {
        return {false, -1,
                QStringLiteral("the switch command %1 did not start: %2")
                    .arg(step.argv.first(), process.errorString())};
    }
    const qint64 timeoutMs = qint64(context.site().settings.timeoutFor(step.id)) * 1000;
    QElapsedTimer clock;
    clock.start();
    QByteArray out, err;
    const auto drain = [&](QByteArray& buffer, OutputStream stream, bool all) {
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0 || (all && !buffer.isEmpty())) {
            const qsizetype cut = nl >= 0 ? nl : buffer.size();
            context.log(stream, QString::fromUtf8(buffer.left(cut)));
            buffer.remove(0, nl >= 0 ? cut + 1 : cut);
        }
    };
    bool stopped = false;
    while (process.state() != QProcess::NotRunning) {
        process.waitForFinished(200);
        out += process.readAllStandardOutput();
        err += process.readAllStandardError();
        drain(out, OutputStream::Stdout, false);
        drain(err, OutputStream::Stderr, false);
        if (context.cancelled() || clock.elapsed() > timeoutMs) {
            stopped = true;
            process.kill();
            process.waitForFinished(5000);
        }
    }
    out += process.readAllStandardOutput();
    err += process.readAllStandardError();
    drain(out, OutputStream::Stdout, true);
    drain(err, OutputStream::Stderr, true);
    if (stopped) {
        return {false, -1,
                context.cancelled()
                    ? QStringLiteral("cancelled: the switch command was stopped; check where "
                                     "the service points")
                    : QStringLiteral("the switch command did not end within %1 s and was "
                                     "stopped; check where the service points")
                          .arg(timeoutMs / 1000)};
    }
    const int code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    if (code != 0) {
        return {false, code,
                QStringLiteral("the switch command failed (exit status %1): %2 may still serve; "
                               "nothing was recorded. Check where the service points; to try "
                               "again: myst-upgrade switch --site %3 --to %4 --yes")
                    .arg(code)
                    .arg(step.sourceRole, shellQuote(context.site().path), step.role)};
    }
    return {true, 0,
            QStringLiteral("the switch command ended well: traffic goes to %1").arg(step.role)};
}
} // namespace

StepOutcome runSwitchTraffic(StepContext& context, const Step& step, HostSession&)
{
    return step.argv.isEmpty() ? manualSwitch(context, step) : commandSwitch(context, step);
}

} // namespace myst
