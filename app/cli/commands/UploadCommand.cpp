#include "app/cli/commands/Commands.h"

#include "app/cli/RunPlan.h"
#include "core/session/RunSession.h"

#include <QFileInfo>
#include <QLocale>

namespace myst::commands {

void upload(CommandContext& context)
{
    if (!context.loadSite()) {
        return;
    }
    const QString path = context.option(QStringLiteral("image-tar"));
    if (path.isEmpty()) {
        context.usageError(QStringLiteral("--image-tar FILE is required"));
        return;
    }
    OfflineImage offline;
    QString error;
    QString version;
    if (!RunSession::readOfflineImage(path, &offline, &error) ||
        !offlineVersion(offline, context.option(QStringLiteral("version")), &version, &error)) {
        context.usageError(error);
        return;
    }
    offline.version = version;
    const Site& site = context.site();
    const QString role = context.option(QStringLiteral("role"), site.defaultRole());
    if (!site.hosts.contains(role)) {
        context.usageError(QStringLiteral("name the host with --role (the site has: %1)")
                               .arg(site.hosts.keys().join(QStringLiteral(", "))));
        return;
    }
    const SiteHost host = site.hosts.value(role);
    const Plan plan = uploadPlan(host, offline);
    context.output().message(QStringLiteral("%1: image %2, MyST Studio %3, tags %4, %5 layers, %6")
                                 .arg(QFileInfo(path).fileName(), offline.imageId.left(19),
                                      offline.version, offline.repoTags.join(QStringLiteral(", ")))
                                 .arg(offline.layers)
                                 .arg(QLocale::c().formattedDataSize(offline.size)));
    if (!context.confirm(QStringLiteral("Upload it to %1 (%2), load it and tag it myst-studio? "
                                        "The running service is not restarted.")
                             .arg(role, host.endpoint.id()))) {
        return;
    }
    context.loadSecrets({role},
                        [&context, plan] { runPlan(context, plan, RunSession::newJournal(plan)); });
}

} // namespace myst::commands
