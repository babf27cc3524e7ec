#include "core/run/RunOutcome.h"
#include "core/journal/RunNames.h"

#include "core/base/AppLog.h"
#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/host/DockerCli.h"

namespace myst::RunOutcome {

namespace {
QString failureAdvice(const Step& failed, const Plan& plan, const Journal& journal)
{
    if (plan.kind == RunKind::Rollback) {
        return QStringLiteral("See the step log in %1.").arg(shellQuote(journal.logDirectory()));
    }
    const HostRecord r = journal.records.value(failed.role);
    const QString command =
        QStringLiteral("myst-upgrade rollback --site %1 --run %2 --role %3 --yes")
            .arg(shellQuote(journal.sitePath), journal.runId, failed.role);
    if (!r.backupPath.isEmpty() && !r.previousImageId.isEmpty()) {
        return QStringLiteral("Rollback is available (previous image %1, backup %2): %3")
            .arg(r.previousImageId.left(19), r.backupPath, command);
    }
    if (!r.previousImageId.isEmpty()) {
        return QStringLiteral("MyST Studio was not stopped. No backup was recorded, so a full "
                              "rollback is not available; if pull.sh already re-tagged the image, "
                              "re-tag the previous one: docker tag %1 myst-studio")
            .arg(r.previousImageId);
    }
    return QStringLiteral("Nothing was changed on the host.");
}

// Whether a step on this host that stops, starts or migrates MyST Studio has begun.
bool serviceTouched(const QString& role, const Plan& plan, const Journal& journal)
{
    static const QStringList serviceScripts{QStringLiteral("stop"), QStringLiteral("start"),
                                            QStringLiteral("restart")};
    for (int i = 0; i < plan.steps.size(); ++i) {
        const Step& step = plan.steps.at(i);
        const bool changesService =
            step.kind == StepKind::RestoreCopy ||
            (step.kind == StepKind::Script && serviceScripts.contains(step.id));
        const StepStatus status = journal.steps.at(i).status;
        if (step.role == role && changesService && status != StepStatus::Pending &&
            status != StepStatus::Skipped) {
            return true;
        }
    }
    return false;
}

// A run (upgrade or upload) that failed before the service changed on a host: pull.sh, or the
// offline load, may have moved the myst-studio tag already; the previous image goes back under
// it, so that the host is as it was and a later restart does not start the new version by
// surprise. Returns what happened, for the message; empty when there was nothing to do.
QString restorePreviousTag(const QString& role, const Plan& plan, const Journal& journal,
                           HostConnections& hosts)
{
    if (plan.kind == RunKind::Rollback || serviceTouched(role, plan, journal)) {
        return {};
    }
    bool tagMoved = false; // pull or load ran, or began to
    for (int i = 0; i < plan.steps.size(); ++i) {
        const Step& step = plan.steps.at(i);
        const StepStatus status = journal.steps.at(i).status;
        if (step.role == role &&
            (step.id == QLatin1String("pull") || step.kind == StepKind::LoadImage) &&
            (status == StepStatus::Succeeded || status == StepStatus::Failed ||
             status == StepStatus::Cancelled)) {
            tagMoved = true;
        }
    }
    const QString previous = journal.records.value(role).previousImageId;
    if (!tagMoved || !isValidImageId(previous)) {
        return {};
    }
    SshStatus status;
    HostSession* host = hosts.get(role, &status);
    const QString command = shellCommand(DockerCli::tag(hosts.site().hosts.value(role), previous));
    const CapturedOutput out = host ? host->capture(command) : CapturedOutput{};
    if (!out.result.succeeded()) {
        return QStringLiteral("MyST Studio was not stopped on %1, but the myst-studio tag may now "
                              "point at the new image and could not be put back (%2); put it "
                              "back by hand before any restart: %3")
            .arg(role, host ? out.stderrLines.value(0, out.result.errorMessage) : status.message,
                 command);
    }
    log::runner()->info("{}: myst-studio tagged {} again", role.toStdString(),
                        previous.toStdString());
    return QStringLiteral("MyST Studio was not stopped on %1, and myst-studio is tagged %2 again, "
                          "as before the run: there is nothing to roll back on %1.")
        .arg(role, previous.left(19));
}
} // namespace

QString success(const Plan& plan, const Journal& journal)
{
    QString message;
    if (plan.kind == RunKind::Rollback) {
        message = QStringLiteral("Rollback complete: MyST Studio %1 is running again.")
                      .arg(plan.targetVersion);
    } else if (plan.kind == RunKind::Upload) {
        const QString role = plan.steps.value(0).role;
        const HostRecord r = journal.records.value(role);
        message = QStringLiteral("Image %1 (MyST Studio %2) is loaded on %3 and tagged "
                                 "myst-studio. The running service was not restarted; the "
                                 "previous image was %4 (undo: docker tag %4 myst-studio).")
                      .arg(r.loadedImageId.left(19), plan.targetVersion, role, r.previousImageId);
    } else if (plan.kind == RunKind::Switch) {
        message = QStringLiteral("Switched: %1 serves now (recorded as active); %2 runs on, "
                                 "idle.")
                      .arg(plan.steps.last().role, plan.steps.last().sourceRole);
    } else if (plan.approach == Approach::ZeroDowntime) {
        const Step& record = plan.steps.last();
        message = QStringLiteral("Upgrade complete: MyST Studio %1 is running on %2, which now "
                                 "serves (recorded as active). %3 runs on, idle, on its previous "
                                 "version: to go back, myst-upgrade switch --site %4 --to %3 "
                                 "--yes.")
                      .arg(plan.targetVersion, record.role, record.sourceRole,
                           shellQuote(journal.sitePath));
        if (journal.outageMs >= 0)
            message += QStringLiteral(" Read-only window on %1 (writes refused): %2 s.")
                           .arg(record.sourceRole)
                           .arg(journal.outageMs / 1000.0, 0, 'f', 1);
        return message;
    } else {
        message =
            QStringLiteral("Upgrade complete: MyST Studio %1 is running.").arg(plan.targetVersion);
    }
    if (journal.outageMs >= 0) {
        message += QStringLiteral(" Outage: %1 s.").arg(journal.outageMs / 1000.0, 0, 'f', 1);
    }
    return message;
}

QString interrupted(const Step& failed, const QString& what, const Plan& plan,
                    const Journal& journal)
{
    return QStringLiteral("Interrupted at step \"%1\" on %2: %3 The step goes on on the host. "
                          "When it is reachable again, continue with: myst-upgrade resume "
                          "--site %4 --run %5 --yes. ")
               .arg(failed.title, failed.role, what, shellQuote(journal.sitePath), journal.runId) +
           failureAdvice(failed, plan, journal);
}

QString failed(const Step& failed, const QString& what, Cancel cancelled, const Plan& plan,
               const Journal& journal, HostConnections& hosts)
{
    QString restored = restorePreviousTag(failed.role, plan, journal, hosts);
    // Blue/green: a failure on the active instance (read-only, its backup) leaves the idle one
    // with the new image under myst-studio but not restarted: put its tag back too.
    for (const QString& role : plan.roles()) {
        if (plan.approach == Approach::ZeroDowntime && role != failed.role) {
            const QString other = restorePreviousTag(role, plan, journal, hosts);
            restored +=
                (restored.isEmpty() || other.isEmpty() ? QString() : QStringLiteral(" ")) + other;
        }
    }
    const QString how =
        cancelled == Cancel::BeforeStep
            ? QStringLiteral("Cancelled before step \"%1\" on %2. ").arg(failed.title, failed.role)
        : cancelled == Cancel::InStep
            ? QStringLiteral("Cancelled at step \"%1\" on %2. ").arg(failed.title, failed.role)
            : QStringLiteral("Step \"%1\" failed on %2: %3 ").arg(failed.title, failed.role, what);
    return how + (restored.isEmpty() ? failureAdvice(failed, plan, journal) : restored);
}

QString untouchedAfterGate(int failedIndex, const Plan& plan)
{
    if (failedIndex < 0)
        return {};
    if (plan.approach == Approach::ZeroDowntime) {
        for (int i = failedIndex; i < plan.steps.size(); ++i) {
            if (plan.steps.at(i).kind == StepKind::SwitchTraffic)
                return QStringLiteral(" %1 still serves: traffic was not switched.")
                    .arg(plan.steps.at(i).sourceRole);
        }
        return {};
    }
    // From the step that stopped: a run cancelled at the gate, or just before it, did not
    // change the host after it either.
    for (int i = failedIndex; i < plan.steps.size(); ++i) {
        if (plan.steps.at(i).kind == StepKind::Gate) {
            return QStringLiteral(" %1 was not changed.").arg(plan.steps.at(i).role);
        }
    }
    return {};
}

} // namespace myst::RunOutcome
