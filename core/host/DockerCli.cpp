#include "core/host/DockerCli.h"

#include "core/base/ShellQuote.h"

namespace myst::DockerCli {

QStringList command(const SiteHost& host, const QStringList& args)
{
    // -n: never a password prompt, which would hang a detached step; a missing sudoers rule
    // fails at once with sudo's own message.
    return (host.sudo ? QStringList{QStringLiteral("sudo"), QStringLiteral("-n")} : QStringList{}) +
           QStringList{QStringLiteral("docker")} + args;
}

QStringList inspect(const SiteHost& host, const QString& image)
{
    return command(host, {QStringLiteral("image"), QStringLiteral("inspect"), image});
}

QStringList tag(const SiteHost& host, const QString& image, const QString& as)
{
    return command(host, {QStringLiteral("tag"), image, as});
}

QStringList load(const SiteHost& host, const QString& archive)
{
    return command(host, {QStringLiteral("load"), QStringLiteral("-i"), archive});
}

bool isDockerCommand(const QStringList& argv)
{
    const int at =
        argv.value(0) == QLatin1String("sudo") && argv.value(1) == QLatin1String("-n") ? 2 : 0;
    return argv.value(at) == QLatin1String("docker");
}

Inspected inspectImage(HostSession& session, const SiteHost& host, const QString& image)
{
    const CapturedOutput out = session.capture(shellCommand(inspect(host, image)));
    Inspected result;
    QString parseError;
    result.image = parseImageInspect(out.stdoutLines.join(QLatin1Char('\n')), &parseError);
    if (!out.result.succeeded() || !result.image) {
        result.image.reset();
        result.error = out.stderrLines.isEmpty()
                           ? (out.result.succeeded() ? parseError : out.result.describe())
                           : out.stderrLines.join(QLatin1Char(' '));
    }
    return result;
}

} // namespace myst::DockerCli
