// Streams 200 MB of line output through RemoteCommand and through OpenSSH's `ssh … cat FILE`
// against the same sshd, in one run, and prints both throughputs and their ratio.
// Run by hand: `cmake --build build --target bench` (not part of the test command).
#include "HostSim.h"
#include "core/base/ShellQuote.h"
#include "core/ssh/RemoteCommand.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>

#include <cstdio>

using namespace myst;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 megabytes = argc > 1 ? QByteArray(argv[1]).toLongLong() : 200;
    HostSim sim;
    if (!sim.isUp()) {
        std::fprintf(stderr, "hostsim failed: %s\n", qPrintable(sim.error()));
        return 1;
    }
    const QString file = sim.dir() + QStringLiteral("/stream.txt");
    // Text lines of 76 characters, like a verbose log.
    HostSim::sh(QStringLiteral("head -c %1 /dev/urandom | base64 > '%2'")
                    .arg(megabytes * 1024 * 1024 * 3 / 4)
                    .arg(file));
    const double size = QFileInfo(file).size();

    const SshEndpoint e = sim.endpoint(QStringLiteral("prod"));
    SshConnection connection(e);
    if (!connection.open({}).ok()) {
        return 1;
    }
    qint64 lines = 0, bytes = 0;
    RemoteCommand command(connection, shellCommand({QStringLiteral("cat"), file}));
    command.setLineHandler([&](OutputStream, const QString& line) {
        ++lines;
        bytes += line.size() + 1;
    });
    QElapsedTimer clock;
    clock.start();
    const CommandResult result = command.run();
    const double ours = size / (clock.elapsed() / 1000.0) / 1e6;
    if (!result.succeeded() || bytes != qint64(size)) {
        std::fprintf(stderr, "stream incomplete: %lld of %.0f bytes\n", bytes, size);
        return 1;
    }

    QProcess ssh;
    ssh.setStandardOutputFile(QProcess::nullDevice());
    clock.restart();
    ssh.start(QStringLiteral("ssh"),
              {QStringLiteral("-F"), QStringLiteral("/dev/null"), QStringLiteral("-o"),
               QStringLiteral("UserKnownHostsFile=") + e.knownHostsFile, QStringLiteral("-i"),
               e.identityFile, QStringLiteral("-p"), QString::number(e.port),
               e.user + QStringLiteral("@") + e.host, QStringLiteral("cat"), file});
    ssh.waitForFinished(-1);
    const double openssh = size / (clock.elapsed() / 1000.0) / 1e6;

    std::printf("stream %.0f MB (%lld lines)\n", size / 1e6, lines);
    std::printf("  RemoteCommand (libssh, line by line): %7.1f MB/s\n", ours);
    std::printf("  OpenSSH ssh … cat > /dev/null:        %7.1f MB/s\n", openssh);
    std::printf("  ratio: %.2fx (goal >= 0.8x)\n", ours / openssh);
    return 0;
}
