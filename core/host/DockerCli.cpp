#include "core/host/DockerCli.h"

#include "core/base/ShellQuote.h"

namespace myst::DockerCli {

QStringList command(const QStringList& args)
{
    return QStringList{QStringLiteral("docker")} + args;
}

QStringList inspect(const QString& image)
{
    return command({QStringLiteral("image"), QStringLiteral("inspect"), image});
}

QStringList tag(const QString& image, const QString& as)
{
    return command({QStringLiteral("tag"), image, as});
}

QStringList load(const QString& archive)
{
    return command({QStringLiteral("load"), QStringLiteral("-i"), archive});
}

Inspected inspectImage(HostSession& host, const QString& image)
{
    const CapturedOutput out = host.capture(shellCommand(inspect(image)));
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
