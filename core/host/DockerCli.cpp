#include "core/host/DockerCli.h"

#include "core/base/ShellQuote.h"
#include "core/host/ReadOnlyScripts.h"

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

namespace {
// $MYSQL_ROOT_PASSWORD is expanded by the container's shell, never by the host's or ours, and
// handed to mysql as MYSQL_PWD: an argument would be in ps for every user of the host.
QStringList dbClient(const SiteHost& host, const QString& sql)
{
    const QString inner = QStringLiteral("export MYSQL_PWD=\"$MYSQL_ROOT_PASSWORD\"; exec mysql "
                                         "-uroot -N -B -e \"%1\"")
                              .arg(sql);
    return command(host, {QStringLiteral("exec"), DbContainer, QStringLiteral("sh"),
                          QStringLiteral("-c"), inner});
}
} // namespace

QStringList dbReadOnly(const SiteHost& host, bool on, int maxSeconds)
{
    // The guide's statements, in a session that lives as long as the window: a one-shot
    // client's FLUSH TABLES WITH READ LOCK ends with it, and read_only alone lets root write.
    QStringList args{QStringLiteral("exec"),
                     DbContainer,
                     QStringLiteral("sh"),
                     QStringLiteral("-c"),
                     QString::fromLatin1(ReadOnlyScripts::Common) +
                         QString::fromLatin1(on ? ReadOnlyScripts::On : ReadOnlyScripts::Off),
                     QStringLiteral("myst-readonly")};
    if (on)
        args << QString::number(qMax(1, maxSeconds));
    return command(host, args);
}

QStringList dbReadOnlyQuery(const SiteHost& host)
{
    return dbClient(host, QStringLiteral("SELECT @@global.read_only;"));
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
