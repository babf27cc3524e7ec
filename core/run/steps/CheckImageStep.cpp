// Phased, before production stops: production pulled the very image verified on
// non-production. If not, the run's end puts the previous tag back and nothing was stopped.
#include "core/run/steps/StepExecutors.h"

#include "core/host/DockerCli.h"

namespace myst {

StepOutcome runCheckImage(StepContext& context, const Step& step, HostSession& host)
{
    const QString verified = context.journal().records.value(step.sourceRole).newImageId;
    const DockerCli::Inspected inspected =
        DockerCli::inspectImage(host, context.site().hosts.value(step.role));
    if (!inspected.image) {
        return {false, -1, inspected.error};
    }
    const ImageInfo& info = *inspected.image;
    context.log(OutputStream::Stdout, QStringLiteral("%1 now has %2; %3 verified %4")
                                          .arg(step.role, info.id, step.sourceRole, verified));
    if (!verified.isEmpty() && info.id == verified) {
        return {true, 0,
                QStringLiteral("the image is the one verified on %1").arg(step.sourceRole)};
    }
    return {false, -1,
            QStringLiteral("%1 pulled image %2, not the image %3 verified on %4")
                .arg(step.role, info.id, verified.isEmpty() ? QStringLiteral("(none)") : verified,
                     step.sourceRole)};
}

} // namespace myst
