// Upload benchmarks against one simulated host (real sshd), in one run, each figure three
// times (median and spread): uploadFile against `scp -P PORT` of the same random file,
//  1. over loopback;
//  2. through delay-proxy.py at 50 ms round trip / 200 Mbit/s;
//  3. through delay-proxy.py at 200 ms round trip / 100 Mbit/s (scp already gets 60-70 % of it);
//  4. through delay-proxy.py at 200 ms round trip / 400 Mbit/s, which one channel cannot fill;
// then the peak RSS of a process uploading a 4 GiB file. Every proxy is checked first: its
// round trip (a TCP ping-pong and the ssh round trip the upload measured) and its raw
// throughput (a plain TCP stream through a second instance with the same settings).
// Ratios are what to read: the machine is shared. Prints figures; never fails on timing:
//   build/tests/bench/BenchUpload [loopback MiB, default 1024] [RSS MiB, default 4096]
#include "BenchLink.h"
#include "HostSim.h"
#include "core/ssh/Upload.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace myst;

namespace {

double seconds(const QElapsedTimer& clock)
{
    return clock.nsecsElapsed() / 1e9;
}

struct Ours
{
    double mbPerSecond = -1;
    int channels = 0;
    double roundTripMs = -1;
};

// Our upload, from the connection (login included, as scp's is) to the host's confirmed rename.
Ours ours(const SshEndpoint& endpoint, const QString& file, const QString& directory,
          const UploadOptions& options = {})
{
    QElapsedTimer clock;
    clock.start();
    SshConnection connection(endpoint);
    const SshStatus status = connection.open({});
    if (!status.ok()) {
        std::fprintf(stderr, "connect: %s\n", qPrintable(status.message));
        return {};
    }
    qint64 firstNs = -1, lastNs = -1;
    const UploadResult r = uploadFile(
        connection, file, directory,
        [&](qint64 done, qint64 total) {
            if (firstNs < 0)
                firstNs = clock.nsecsElapsed();
            if (done == total)
                lastNs = clock.nsecsElapsed();
        },
        nullptr, options);
    if (qEnvironmentVariableIsSet("MYST_BENCH_PHASES"))
        std::printf("    cipher %s, ", ssh_get_cipher_out(connection.session()));
    if (qEnvironmentVariableIsSet("MYST_BENCH_PHASES"))
        std::printf("    phases: before the first block %.3f s, blocks %.3f s, commit %.3f s\n",
                    firstNs / 1e9, (lastNs - firstNs) / 1e9, (clock.nsecsElapsed() - lastNs) / 1e9);
    if (!r.ok) {
        std::fprintf(stderr, "upload: %s\n", qPrintable(r.message));
        return {};
    }
    return {r.size / seconds(clock) / 1e6, r.channels, r.roundTripMs};
}

// scp, from its start (connection and login included) to its end.
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

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

struct Spread
{
    double median, low, high;
};
Spread spread(const std::vector<double>& v)
{
    return {median(v), *std::min_element(v.begin(), v.end()),
            *std::max_element(v.begin(), v.end())};
}

// Three rounds of scp then ours (then the next round), so that drift in the machine's load
// hits both alike; the ratio is taken within each round.
// linkMbit > 0: the link's bandwidth, so that what it allows over scp is printed beside the goal.
Spread compare(const char* title, const SshEndpoint& endpoint, const QString& file,
               const QString& remote, double goal, int linkMbit = 0)
{
    std::vector<double> theirs, mine, ratios;
    int channels = 0;
    double rtt = -1;
    // Each transfer starts with nothing dirty in the page cache: the writeback of the file just
    // made (or just received) otherwise lands on whichever transfer comes next, by chance.
    for (int round = 0; round < 3; ++round) {
        HostSim::sh(QStringLiteral("sync"));
        const double s = scp(endpoint, file, remote + QStringLiteral("/scp"));
        HostSim::sh(QStringLiteral("rm -rf '%1/scp'; sync").arg(remote));
        const Ours o = ours(endpoint, file, remote + QStringLiteral("/ours"));
        HostSim::sh(QStringLiteral("rm -rf '%1/ours'").arg(remote));
        theirs.push_back(s);
        mine.push_back(o.mbPerSecond);
        ratios.push_back(o.mbPerSecond / s);
        channels = std::max(channels, o.channels);
        rtt = o.roundTripMs;
        std::printf("  round %d: uploadFile %7.1f MB/s (%d channel(s)), scp %7.1f MB/s, %.2fx\n",
                    round + 1, o.mbPerSecond, o.channels, s, o.mbPerSecond / s);
        std::fflush(stdout);
    }
    const Spread m = spread(mine), t = spread(theirs), r = spread(ratios);
    std::printf("%s (%lld MiB; ssh round trip as the upload measured it: %.1f ms)\n"
                "  uploadFile: median %7.1f MB/s (%.1f-%.1f), up to %d channel(s)\n"
                "  scp -P:     median %7.1f MB/s (%.1f-%.1f)\n"
                "  ratio:      median %.2fx (%.2f-%.2f)  goal >= %.1fx: %s\n",
                title, QFileInfo(file).size() >> 20, rtt, m.median, m.low, m.high, channels,
                t.median, t.low, t.high, r.median, r.low, r.high, goal,
                r.median >= goal ? "met" : "NOT met");
    if (linkMbit > 0) // scp's share of the link bounds what any upload can gain over it
        std::printf("  the link carries %.1f MB/s: at most %.2fx scp; ours uses %.0f%% of it\n",
                    linkMbit / 8.0, linkMbit / 8.0 / t.median, 100.0 * m.median * 8 / linkMbit);
    std::fflush(stdout);
    return r;
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
    if (ours(e, args.at(5), args.at(6)).mbPerSecond < 0)
        return 1;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%ld\n", usage.ru_maxrss); // KiB
    return 0;
}

QString randomFile(const QString& dir, qint64 mib)
{
    const QString file = dir + QStringLiteral("/myst-studio-bench-%1.tar").arg(mib);
    HostSim::sh(QStringLiteral("head -c %1M /dev/urandom > '%2'").arg(mib).arg(file));
    return file;
}

// --variants MiB: the loopback upload with one option changed at a time, against scp, to find
// what costs (the profile of issue 20).
int variants(const SshEndpoint& e, const QString& dir, qint64 mib, const QStringList& only = {})
{
    const QString remote = dir + QStringLiteral("/upload-target");
    const QString file = randomFile(dir, mib);
    struct Variant
    {
        std::string name;
        UploadOptions options;
    };
    std::vector<Variant> list;
    list.push_back({"default", {}});
    UploadOptions o;
    o.hashWhileReceiving = false;
    list.push_back({"host hashes after", o});
    o = {};
    o.blockBytes = 32 << 20;
    list.push_back({"32 MiB blocks", o});
    o = {};
    o.blockBytes = 2 << 20;
    list.push_back({"2 MiB blocks", o});
    for (int n : {2, 3, 4, 6}) {
        o = {};
        o.channels = n;
        list.push_back({std::to_string(n) + " channels", o});
    }
    for (int round = 0; round < 2; ++round) {
        const double s = scp(e, file, remote + QStringLiteral("/scp"));
        HostSim::sh(QStringLiteral("rm -rf '%1/scp'").arg(remote));
        std::printf("scp %.1f MB/s\n", s);
        for (const Variant& v : list) {
            if (!only.isEmpty() && !only.contains(QString::fromStdString(v.name)))
                continue;
            const Ours r = ours(e, file, remote + QStringLiteral("/ours"), v.options);
            HostSim::sh(QStringLiteral("rm -rf '%1/ours'").arg(remote));
            std::printf("  %-20s %7.1f MB/s  %.2fx\n", v.name.c_str(), r.mbPerSecond,
                        r.mbPerSecond / s);
            std::fflush(stdout);
        }
    }
    QFile::remove(file);
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--rss-child"))
        return rssChild(args.mid(2));
    const qint64 mib = args.size() > 1 && !args.at(1).startsWith(QLatin1Char('-'))
                           ? args.at(1).toLongLong()
                           : 1024;
    const qint64 rssMib = args.size() > 2 ? args.at(2).toLongLong() : 4096;

    HostSim sim;
    if (!sim.isUp()) {
        std::fprintf(stderr, "hostsim failed: %s\n", qPrintable(sim.error()));
        return 1;
    }
    const SshEndpoint e = sim.endpoint(QStringLiteral("prod"));
    if (args.value(1) == QLatin1String("--one")) { // --one scp|ours MiB FILE-READY-SIGNAL: for perf
        const QString file = randomFile(sim.dir(), args.value(3).toLongLong());
        std::printf("ready\n");
        std::fflush(stdout);
        QThread::sleep(2);
        const QString remote = sim.dir() + QStringLiteral("/upload-target/one");
        const double r = args.value(2) == QLatin1String("scp") ? scp(e, file, remote)
                                                               : ours(e, file, remote).mbPerSecond;
        std::printf("%.1f MB/s\n", r);
        return 0;
    }
    // --variants MiB [ONE-WAY-MS MBIT [NAME,NAME...]]: over loopback, or through the proxy.
    if (args.value(1) == QLatin1String("--variants")) {
        if (args.size() < 5)
            return variants(e, sim.dir(), args.value(2, QStringLiteral("512")).toLongLong());
        BenchLink link(sim, e, args.at(3).toInt(), args.at(4).toInt());
        const QStringList only = args.value(5).split(QLatin1Char(','), Qt::SkipEmptyParts);
        return link.ok() ? variants(link.endpoint(), sim.dir(), args.at(2).toLongLong(), only) : 1;
    }
    const QString remote = sim.dir() + QStringLiteral("/upload-target");
    std::printf("load before: %s\n", qPrintable(HostSim::sh(QStringLiteral("uptime")).trimmed()));

    const QString file = randomFile(sim.dir(), mib);
    const Spread loop = compare("loopback", e, file, remote, 1.0);
    QFile::remove(file);

    // Long links take a smaller file: at 100 Mbit/s a GiB takes minutes per run. Not too small
    // either: a login and the upload's set-up take about 14 round trips (3 s at 200 ms), which
    // a 128 MiB file made a fifth of the time.
    const qint64 longMib = std::min<qint64>(mib, 256);
    const QString longFile = randomFile(sim.dir(), longMib);
    const auto overLink = [&](const char* title, int oneWayMs, int mbit, double goal) {
        BenchLink link(sim, e, oneWayMs, mbit);
        return link.ok() ? compare(title, link.endpoint(), longFile, remote, goal, mbit)
                         : Spread{-1, -1, -1};
    };
    const Spread r50 = overLink("50 ms round trip, 200 Mbit/s", 25, 200, 1.0);
    const Spread r200 = overLink("200 ms round trip, 100 Mbit/s", 100, 100, 2.0);
    // The link the 2.0x goal is about: one that a single window-bound channel cannot fill.
    const Spread r200fast = overLink("200 ms round trip, 400 Mbit/s", 100, 400, 2.0);
    QFile::remove(longFile);

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
    std::printf("\nsummary (ratio to scp, median of 3 and spread)\n"
                "  loopback:          %.2fx (%.2f-%.2f)  goal >= 1.0x\n"
                "  50 ms / 200 Mbit:  %.2fx (%.2f-%.2f)  goal >= 1.0x\n"
                "  200 ms / 100 Mbit: %.2fx (%.2f-%.2f)  goal >= 2.0x (see the link's ceiling)\n"
                "  200 ms / 400 Mbit: %.2fx (%.2f-%.2f)  goal >= 2.0x\n"
                "  peak RSS, %lld MiB: %.1f MB           goal < 100 MB\n",
                loop.median, loop.low, loop.high, r50.median, r50.low, r50.high, r200.median,
                r200.low, r200.high, r200fast.median, r200fast.low, r200fast.high, rssMib, peakMb);
    std::printf("load after: %s\n", qPrintable(HostSim::sh(QStringLiteral("uptime")).trimmed()));
    return 0;
}
