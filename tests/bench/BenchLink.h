#pragma once

// A simulated long link in front of the simulated host's sshd: delay-proxy.py with a one-way
// delay and a bandwidth, and a check of what it gives: a second instance with the same
// settings in front of a sink, measured with a TCP ping-pong and a plain 48 MiB stream.
#include "HostSim.h"
#include "TestConfig.h"

#include <QProcess>
#include <QTcpServer>

#include <cstdio>

class BenchLink
{
public:
    BenchLink(HostSim& sim, const myst::SshEndpoint& direct, int delayMs, int mbit)
        : m_endpoint(direct)
    {
        const int sshPort = freePort(), sinkPort = freePort(), checkPort = freePort();
        if (!start(m_ssh, {QString::number(sshPort), QString::number(direct.port),
                           QString::number(delayMs), QString::number(mbit)}) ||
            !start(m_sink, {QStringLiteral("sink"), QString::number(sinkPort)}) ||
            !start(m_check, {QString::number(checkPort), QString::number(sinkPort),
                             QString::number(delayMs), QString::number(mbit)})) {
            std::fprintf(stderr, "the proxy did not start\n");
            return;
        }
        QProcess probe;
        probe.start(QStringLiteral("python3"),
                    {script(), QStringLiteral("probe"), QString::number(checkPort)});
        probe.waitForFinished(120000);
        std::printf("proxy %d ms one way, %d Mbit/s: measured %s\n", delayMs, mbit,
                    probe.readAllStandardOutput().trimmed().constData());
        m_endpoint.port = sshPort;
        m_endpoint.knownHostsFile =
            sim.dir() + QStringLiteral("/known_hosts_proxy_%1").arg(sshPort);
        HostSim::sh(QStringLiteral("sed 's/\\]:%1 /]:%2 /' '%3' > '%4'")
                        .arg(direct.port)
                        .arg(sshPort)
                        .arg(direct.knownHostsFile, m_endpoint.knownHostsFile));
        m_ok = true;
    }
    ~BenchLink()
    {
        for (QProcess* p : {&m_ssh, &m_sink, &m_check}) {
            p->kill();
            p->waitForFinished();
        }
    }

    bool ok() const { return m_ok; }
    const myst::SshEndpoint& endpoint() const { return m_endpoint; }

private:
    static QString script()
    {
        return QStringLiteral(MYST_SOURCE_DIR "/tests/bench/delay-proxy.py");
    }
    static int freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }
    static bool start(QProcess& p, QStringList args)
    {
        args.prepend(script());
        p.start(QStringLiteral("python3"), args);
        return p.waitForReadyRead(10000);
    }

    myst::SshEndpoint m_endpoint;
    QProcess m_ssh, m_sink, m_check;
    bool m_ok = false;
};
