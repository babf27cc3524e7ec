// docker image inspect myst-studio → the previous image ID, tags and version, for rollback.
#include "core/journal/RunNames.h"
#include "core/run/steps/StepExecutors.h"

#include "core/host/OutputParsers.h"

namespace myst {

namespace {
// When myst-studio already is the image this run installs, an earlier attempt got past pull or
// load and then stopped. Recording that image as "previous" would make rollback re-tag the new
// image, so the record of the earlier attempt is kept instead; without one, the run stops.
bool keepEarlierRecord(StepContext& context, const Step& step, const ImageInfo& current,
                       QString* error)
{
    const Plan& plan = context.plan();
    const Journal& journal = context.journal();
    QString targetId;
    for (const Step& s : plan.steps) {
        if (s.role == step.role && s.kind == StepKind::LoadImage)
            targetId = s.imageId;
    }
    const bool isTarget = targetId.isEmpty()
                              ? (plan.kind == RunKind::Upgrade && !current.version.isEmpty() &&
                                 current.version == plan.targetVersion)
                              : current.id == targetId;
    if (!isTarget) {
        return false;
    }
    const std::optional<Journal> run =
        Journal::earlierRecord(journal.sitePath, step.role, current.id, journal.runId);
    if (run && run->kind == RunKind::Upgrade && run->status == RunStatus::Succeeded) {
        *error = QStringLiteral("MyST Studio on %1 is already %2: run %3 upgraded it. Nothing "
                                "was changed.")
                     .arg(step.role, current.version, run->runId);
        return false;
    }
    if (!run) {
        *error = QStringLiteral(
                     "myst-studio already is the image being installed (%1, %2) and no earlier "
                     "run recorded the image before it, so a rollback could not put it back. "
                     "Re-tag the previous image (docker tag <ID> myst-studio) and run again.")
                     .arg(current.id.left(19), current.version);
        return false;
    }
    const HostRecord earlier = run->records.value(step.role);
    context.log(OutputStream::Stdout,
                QStringLiteral("myst-studio already is %1 (%2): run %3 got this far. Keeping its "
                               "record of the previous image: %4 (%5)")
                    .arg(current.id.left(19), current.version, run->runId, earlier.previousImageId,
                         earlier.previousVersion));
    context.capture(step.role, CaptureKey::PreviousImageId, earlier.previousImageId);
    context.capture(step.role, CaptureKey::PreviousTags,
                    earlier.previousTags.join(QLatin1Char(' ')));
    context.capture(step.role, CaptureKey::PreviousVersion, earlier.previousVersion);
    return true;
}
} // namespace

StepOutcome runRecordImage(StepContext& context, const Step& step, HostSession& host)
{
    QStringList lines;
    StepOutcome out = context.runScript(step, host, &lines);
    if (!out.ok) {
        out.message = QStringLiteral("cannot inspect the myst-studio image (%1)").arg(out.message);
        return out;
    }
    QString error;
    const auto info = parseImageInspect(lines.join(QLatin1Char('\n')), &error);
    if (!info) {
        return {false, out.exitCode, error};
    }
    if (keepEarlierRecord(context, step, *info, &error)) {
        out.message = QStringLiteral("myst-studio already is the new image; the previous image "
                                     "recorded by the earlier attempt is kept");
        return out;
    }
    if (!error.isEmpty()) {
        return {false, out.exitCode, error};
    }
    context.capture(step.role, CaptureKey::PreviousImageId, info->id);
    context.capture(step.role, CaptureKey::PreviousTags, info->tags.join(QLatin1Char(' ')));
    context.capture(step.role, CaptureKey::PreviousVersion, info->version);
    out.message = QStringLiteral("current image %1 (%2)")
                      .arg(info->id, info->version.isEmpty() ? QStringLiteral("version unknown")
                                                             : info->version);
    return out;
}

} // namespace myst
