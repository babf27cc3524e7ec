#include "FakeHost.h"

#include <QFileInfo>
#include <QThread>

using namespace myst;

namespace {
// Forwards to a FakeHost the test owns, so that it outlives the run and can be inspected.
class Borrowed : public HostSession
{
public:
    explicit Borrowed(FakeHost& host) : m_host(host) {}
    SshStatus open(const SshAuth& a) override { return m_host.open(a); }
    bool isConnected() const override { return m_host.isConnected(); }
    QString id() const override { return m_host.id(); }
    QString lastError() const override { return m_host.lastError(); }
    CapturedOutput capture(const QString& c, qint64 t) override { return m_host.capture(c, t); }
    CommandResult runDetached(DetachedStep& s, const QString& c, const LineHandler& l, qint64 t,
                              const std::atomic<bool>* x) override
    {
        return m_host.runDetached(s, c, l, t, x);
    }
    CommandResult follow(const QString& c, const LineHandler& l, qint64 t,
                         const std::atomic<bool>* x, const std::function<bool()>& w) override
    {
        return m_host.follow(c, l, t, x, w);
    }
    UploadResult upload(const QString& f, const QString& d, const Progress& p,
                        const std::atomic<bool>* x) override
    {
        return m_host.upload(f, d, p, x);
    }
    CopyResult copyTo(HostSession& t, const QString& s, const QString& d, const Progress& p,
                      const std::atomic<bool>* x) override
    {
        auto* target = dynamic_cast<Borrowed*>(&t);
        return m_host.copyTo(target ? target->m_host : t, s, d, p, x);
    }

    std::unique_ptr<TunnelStream> openTunnel(const QString& h, int p, QString* e) override
    {
        return m_host.openTunnel(h, p, e);
    }

private:
    FakeHost& m_host;
};

CapturedOutput answer(int status, const QStringList& out = {})
{
    CapturedOutput o;
    o.result.started = true;
    o.result.exitStatus = status;
    o.stdoutLines = out;
    return o;
}
} // namespace

SshStatus FakeHost::open(const SshAuth&)
{
    ++opens;
    SshStatus status;
    if (refuseOpens > 0) {
        --refuseOpens;
        status.error = SshError::Connect;
        status.message = QStringLiteral("%1 is away").arg(m_id);
        return status;
    }
    m_connected = true;
    return status;
}

QString FakeHost::versionOf(const QString& image) const
{
    return image == pulledImage ? QStringLiteral("2.0.0") : QStringLiteral("1.0.0");
}

CapturedOutput FakeHost::capture(const QString& c, qint64)
{
    commands << c;
    if (c.contains(QLatin1String("set -C"))) // the lock
        return lockHolder.isEmpty() ? answer(0, {QStringLiteral("acquired")})
                                    : answer(3, {QStringLiteral("held ") + lockHolder});
    if (c == QLatin1String("cat /proc/sys/kernel/random/boot_id"))
        return answer(0, {bootId});
    if (c.contains(QLatin1String("myst-ready")))
        return answer(
            0, {QStringLiteral("image"), QStringLiteral("backup %1").arg(fileSize),
                QStringLiteral("free 99999999"),
                QStringLiteral("sha256 ") + (fileShas.isEmpty() ? fileSha : fileShas.takeFirst())});
    if (c.contains(QLatin1String("myst-describe"))) // BackupCheck: "<size> <mtime> <sha256>"
        return answer(0, {QStringLiteral("%1 1764583200 %2")
                              .arg(fileSize)
                              .arg(fileShas.isEmpty() ? fileSha : fileShas.takeFirst())});
    if (c.startsWith(QLatin1String("docker image inspect myst-studio"))) {
        const QString json =
            QStringLiteral("[{\"Id\":\"%1\",\"RepoTags\":[\"myst-studio:latest\"],"
                           "\"Config\":{\"Labels\":{\"com.rubiconred.myst.version\":\"%2\"}}}]")
                .arg(taggedImage, versionOf(taggedImage));
        return answer(0, {json});
    }
    if (c.startsWith(QLatin1String("docker image inspect sha256:"))) { // by ID: the two it has
        const QString id = c.section(QLatin1Char(' '), 3, 3);
        if (id != taggedImage && id != pulledImage)
            return answer(1);
        return answer(0, {QStringLiteral("[{\"Id\":\"%1\",\"RepoTags\":[],\"Config\":{\"Labels\":"
                                         "{\"com.rubiconred.myst.version\":\"%2\"}}}]")
                              .arg(id, versionOf(id))});
    }
    if (c.startsWith(QLatin1String("docker tag "))) {
        taggedImage = c.section(QLatin1Char(' '), 2, 2);
        return answer(0);
    }
    if (c.startsWith(QLatin1String("docker exec myststudio_db "))) { // blue/green: read-only on/off
        if (c.contains(QLatin1String("read_only = ON")))
            readOnly = true;
        else if (c.contains(QLatin1String("read_only = OFF")))
            readOnly = false;
        QStringList lines;
        if (c.contains(QLatin1String("myst-readonly"))) { // the holder's protocol (ReadOnlyScripts)
            const QString verdict = readOnly ? QStringLiteral("refused ERROR 1290 (HY000)")
                                             : QStringLiteral("accepted");
            lines << (readOnly ? QStringLiteral("myst-readonly: held 1700000000")
                               : QStringLiteral("myst-readonly: window 2"));
            if (!readOnly && !readOnlyEnded.isEmpty()) // said once, as the holder's folder goes
                lines << (readOnlyEnded == QLatin1String("lost")
                              ? QStringLiteral("myst-readonly: lost 1700000100")
                              : QStringLiteral("myst-readonly: expired 1700000100 900"));
            if (!readOnly)
                readOnlyEnded.clear();
            lines << QStringLiteral("myst-readonly: probe root ") +
                         (readOnlyLeaks ? QStringLiteral("accepted") : verdict)
                  << QStringLiteral("myst-readonly: probe app ") + verdict;
        }
        return answer(0, lines << (readOnly ? QStringLiteral("1") : QStringLiteral("0")));
    }
    if (c.contains(QLatin1String("myst-active none"))) // ActiveRoleStore::read
        return answer(0, {active.isEmpty()
                              ? QStringLiteral("myst-active none")
                              : QStringLiteral("myst-active {\"active\":\"%1\"}").arg(active)});
    if (c.contains(QLatin1String("active.json\"; then exit 0"))) { // ActiveRoleStore::write
        active = c.contains(QLatin1String("\"active\":\"green\"")) ? QStringLiteral("green")
                                                                   : QStringLiteral("blue");
        return answer(0);
    }
    if (c.startsWith(QLatin1String("test -x ")))
        return answer(scripts.contains(QFileInfo(c.mid(8)).fileName()) ? 0 : 1);
    return answer(0); // test -s, rm, the retention listing, the rollback's wait, …
}

CommandResult FakeHost::runDetached(DetachedStep& step, const QString& commandLine,
                                    const LineHandler& lines, qint64,
                                    const std::atomic<bool>* cancel)
{
    commands << commandLine;
    CommandResult result;
    result.started = true;
    // "cd -- <MyST home>/bin && ./pull.sh 2.0.0" (hostCommandLine) runs pull.sh.
    const qsizetype and_ = commandLine.indexOf(QLatin1String(" && "));
    const QString run = commandLine.startsWith(QLatin1String("cd -- ")) && and_ > 0
                            ? commandLine.mid(and_ + 4)
                            : commandLine;
    const QString program = QFileInfo(run.section(QLatin1Char(' '), 0, 0)).fileName();
    const Script script = scripts.value(program);
    if (!m_dropsLeft.contains(step.name)) {
        m_dropsLeft.insert(step.name, script.drops);
        started << program;
    }
    if (m_dropsLeft[step.name] > 0) { // the script goes on on the host; the connection does not
        --m_dropsLeft[step.name];
        m_connected = false;
        if (script.awayAfterDrop)
            refuseOpens = 1000000;
        if (script.restartsHost)
            bootId = QStringLiteral("9c2d7e11-0b4f-4f7a-8e55-1d9a3b6c4e02");
        result.error = SshError::Lost;
        result.errorMessage = QStringLiteral("Connection to %1 lost").arg(m_id);
        return result;
    }
    if (script.waitForCancel) {
        while (!cancel->load())
            QThread::msleep(5);
        result.cancelled = true;
        return result;
    }
    // A docker query run as a step (record-image) answers as the query does.
    const QStringList out = program == QLatin1String("docker") && script.out.isEmpty()
                                ? capture(commandLine, 0).stdoutLines
                                : script.out;
    for (const QString& l : out) {
        lines(OutputStream::Stdout, l);
        step.stdoutTail.append(l);
        if (l.startsWith(QLatin1String("Backed up to ")))
            step.backupLine = l;
    }
    for (const QString& l : script.err) {
        lines(OutputStream::Stderr, l);
        step.lastStderrLine = l;
    }
    if (program == QLatin1String("pull.sh") && script.exitStatus == 0)
        taggedImage = pulledImage;
    if (program == QLatin1String("docker") && commandLine.startsWith(QLatin1String("docker tag ")))
        taggedImage = commandLine.section(QLatin1Char(' '), 2, 2);
    result.exitStatus = script.exitStatus;
    return result;
}

CommandResult FakeHost::follow(const QString& commandLine, const LineHandler& lines, qint64,
                               const std::atomic<bool>*, const std::function<bool()>& stopWhen)
{
    commands << commandLine;
    CommandResult result;
    result.started = true;
    const Script script = scripts.value(QStringLiteral("output-logs.sh"));
    const QStringList out = script.out;
    for (const QString& l : out) {
        lines(OutputStream::Stdout, l);
        if (stopWhen())
            break;
    }
    result.cancelled = true; // stopped, as output-logs.sh never ends by itself
    return result;
}

UploadResult FakeHost::upload(const QString& localPath, const QString& remoteDirectory,
                              const Progress& progress, const std::atomic<bool>*)
{
    commands << QStringLiteral("upload %1 %2").arg(localPath, remoteDirectory);
    UploadResult r;
    r.ok = true;
    r.size = r.sentBytes = 1000;
    r.remotePath = remoteDirectory + QLatin1Char('/') + QFileInfo(localPath).fileName();
    r.sha256 = QString(64, QLatin1Char('c'));
    r.message = QStringLiteral("uploaded");
    progress(1000, 1000);
    return r;
}

CopyResult FakeHost::copyTo(HostSession& target, const QString& sourcePath,
                            const QString& targetPath, const Progress&, const std::atomic<bool>*)
{
    commands << QStringLiteral("copy %1 -> %2 %3").arg(sourcePath, target.id(), targetPath);
    CopyResult r;
    r.ok = true;
    r.bytes = fileSize;
    r.sha256 = copySha.isEmpty() ? fileSha : copySha;
    r.message = QStringLiteral("copied");
    return r;
}

HostSessionFactory fakeHosts(const QMap<int, FakeHost*>& byPort)
{
    return [byPort](const SshEndpoint& endpoint) -> std::unique_ptr<HostSession> {
        return std::make_unique<Borrowed>(*byPort.value(endpoint.port));
    };
}
