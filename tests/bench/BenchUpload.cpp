// Issue 5 of 6's upload benchmarks, against one simulated host (real sshd), in one run:
//  1. a 1 GiB random file over loopback: uploadFile vs `scp -P PORT`;
//  2. the same through a TCP proxy that delays every chunk 25 ms each way (50 ms round trip);
//  3. the peak RSS of a process uploading a 4 GiB file.
// Prints figures and ratios; never fails on timing. Run by hand:
//   build/tests/bench/BenchUpload [MiB, default 1024] [RSS MiB, default 4096]
#include "HostSim.h"
#include "TestConfig.h"
#include "core/ssh/Upload.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>

#include <sys/resource.h>

#include <cstdio>

using namespace myst;

namespace {

double seconds(const QElapsedTimer& clock)
{
    return clock.nsecsElapsed() / 1e9;
}

// Our upload; returns MB/s, or -1 on failure.
double ours(const SshEndpoint& endpoint, const QString& file, const QString& directory)
{
    SshConnection connection(endpoint);
    const SshStatus status = connection.open({});
    if (!status.ok()) {
        std::fprintf(stderr, "connect: %s\n", qPrintable(status.message));
        return -1;
    }
    QElapsedTimer clock;
    clock.start();
    const UploadResult r = uploadFile(connection, file, directory, {}, nullptr);
    if (!r.ok) {
        std::fprintf(stderr, "upload: %s\n", qPrintable(r.message));
        return -1;
    }
    return r.size / seconds(clock) / 1e6;
}

double scp(const SshEndpoint& endpoint, const QString& file, const QString& directory)
{
    HostSim::sh(QStringLiteral("mkdir -p '%1'").arg(directory));
    QProcess p;
    QElapsedTimer clock;
    clock.start();
    p.start(QStringLiteral("scp"),
            {QStringLiteral("-q"), QStringLiteral("-F"), QStringLiteral("/dev/null"),
             QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + endpoint.knownHostsFile,
             QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes"),
             QStringLiteral("-i"), endpoint.identityFile, QStringLiteral("-P"),
             QString::number(endpoint.port), file,
             QStringLiteral("%1@%2:%3/").arg(endpoint.user, endpoint.host, directory)});
    p.waitForFinished(-1);
    if (p.exitCode() != 0) {
        std::fprintf(stderr, "scp: %s\n", p.readAllStandardError().constData());
        return -1;
    }
    return QFileInfo(file).size() / seconds(clock) / 1e6;
}

void compare(const char* title, const SshEndpoint& endpoint, const QString& file,
             const QString& remote, double goal)
{
    // scp first, then ours: any page-cache warm-up favours scp's reads, not ours.
    const double theirs = scp(endpoint, file, remote + QStringLiteral("/scp"));
    HostSim::sh(QStringLiteral("rm -rf '%1/scp'").arg(remote));
    const double mine = ours(endpoint, file, remote + QStringLiteral("/ours"));
    HostSim::sh(QStringLiteral("rm -rf '%1/ours'").arg(remote));
    std::printf("%s\n  uploadFile (exec channel, sha256 both ends): %7.1f MB/s\n"
                "  scp -P:                                      %7.1f MB/s\n"
                "  ratio: %.2fx (goal >= %.1fx)\n",
                title, mine, theirs, mine / theirs, goal);
    std::fflush(stdout);
}

// The child of the RSS measurement: uploads, then reports its own peak RSS.
int rssChild(const QStringList& args)
{
    SshEndpoint e;
    e.host = args.at(0);
    e.port = args.at(1).toInt();
    e.user = args.at(2);
    e.identityFile = args.at(3);
    e.knownHostsFile = args.at(4);
    if (ours(e, args.at(5), args.at(6)) < 0)
        return 1;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%ld\n", usage.ru_maxrss); // KiB
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--rss-child"))
        return rssChild(args.mid(2));
    const qint64 mib = args.size() > 1 ? args.at(1).toLongLong() : 1024;
    const qint64 rssMib = args.size() > 2 ? args.at(2).toLongLong() : 4096;

    HostSim sim;
    if (!sim.isUp()) {
        std::fprintf(stderr, "hostsim failed: %s\n", qPrintable(sim.error()));
        return 1;
    }
    const SshEndpoint e = sim.endpoint(QStringLiteral("prod"));
    const QString remote = sim.dir() + QStringLiteral("/upload-target");
    const QString file = sim.dir() + QStringLiteral("/myst-studio-bench.tar");
    HostSim::sh(QStringLiteral("head -c %1M /dev/urandom > '%2'").arg(mib).arg(file));
    std::printf("file: %lld MiB of random bytes\n", mib);

    compare("loopback", e, file, remote, 1.0);

    // The same through the delaying proxy; its known_hosts names the proxy's port.
    int proxyPort = 0;
    {
        QTcpServer probe; // a free port for the proxy
        probe.listen(QHostAddress::LocalHost, 0);
        proxyPort = probe.serverPort();
    }
    QProcess proxy;
    proxy.start(QStringLiteral("python3"),
                {QStringLiteral(MYST_SOURCE_DIR "/tests/bench/delay-proxy.py"),
                 QString::number(proxyPort), QString::number(e.port), QStringLiteral("25")});
    if (!proxy.waitForReadyRead(10000)) {
        std::fprintf(stderr, "the proxy did not start\n");
        return 1;
    }
    SshEndpoint viaProxy = e;
    viaProxy.port = proxyPort;
    viaProxy.knownHostsFile = sim.dir() + QStringLiteral("/known_hosts_proxy");
    HostSim::sh(QStringLiteral("sed 's/\\]:%1 /]:%2 /' '%3' > '%4'")
                    .arg(e.port)
                    .arg(proxyPort)
                    .arg(e.knownHostsFile, viaProxy.knownHostsFile));
    compare("through a proxy delaying 25 ms each way (50 ms round trip)", viaProxy, file, remote,
            0.9);
    proxy.kill();
    proxy.waitForFinished();
    QFile::remove(file);

    // Peak RSS: a sparse local file (reads as zeros, costs no disk here), a real one there.
    const QString big = sim.dir() + QStringLiteral("/myst-studio-rss.tar");
    HostSim::sh(QStringLiteral("truncate -s %1M '%2'").arg(rssMib).arg(big));
    QProcess child;
    child.start(app.applicationFilePath(),
                {QStringLiteral("--rss-child"), e.host, QString::number(e.port), e.user,
                 e.identityFile, e.knownHostsFile, big, remote + QStringLiteral("/rss")});
    child.waitForFinished(-1);
    const double peakMb = child.readAllStandardOutput().trimmed().toDouble() / 1024.0;
    HostSim::sh(QStringLiteral("rm -rf '%1/rss'").arg(remote));
    QFile::remove(big);
    std::printf("peak RSS uploading %lld MiB: %.1f MB (goal < 100 MB)%s\n", rssMib, peakMb,
                child.exitCode() == 0 ? "" : "  [upload FAILED]");
    return 0;
}
