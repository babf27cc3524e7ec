#include "core/host/HostState.h"

#include "core/base/ShellQuote.h"
#include "core/host/DockerCli.h"

#include <QRegularExpression>

namespace myst {

QString describeContainers(HostSession& session, const SiteHost& host)
{
    const QStringList argv = DockerCli::command(
        host, {QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
               QStringLiteral("name=myststudio"), QStringLiteral("--format"),
               QStringLiteral("{{.Names}}: {{.Status}}")});
    const CapturedOutput out = session.capture(hostCommandLine(argv), 20000);
    if (!out.result.succeeded()) {
        return QStringLiteral("the containers could not be listed (%1)")
            .arg(out.stderrLines.value(0, out.result.describe()).left(200));
    }
    static const QRegularExpression line(QStringLiteral("^[A-Za-z0-9_.-]{1,64}: [ -~]{1,80}$"));
    QStringList said;
    for (const QString& l : out.stdoutLines) {
        if (line.match(l).hasMatch())
            said << l;
    }
    return said.isEmpty() ? QStringLiteral("no MyST Studio container")
                          : said.join(QStringLiteral(", "));
}

} // namespace myst
