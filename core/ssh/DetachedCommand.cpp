#include "core/ssh/DetachedCommand.h"

#include "core/base/ShellQuote.h"
#include "core/ssh/ExecChannel.h"
#include "core/ssh/OutputFrame.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

namespace myst {

namespace {
// The follower's last stderr line: "\x1emyst-status <nonce> <exit status | lost>". The step
// writes to the same stream and could print the marker itself: only a line with this run()'s
// nonce counts. The nonce reaches the follower on its stdin, never on a command line (where ps
// would show it to the step), and the step's own stdin is /dev/null.
const QString StatusMarker = QStringLiteral("\x1emyst-status ");
constexpr int PollMs = 50;

// Shell functions shared by the follower and the rollback's wait. A step's .pid file holds
// "<pid> <boot id> <start time>" (the host's /proc/sys/kernel/random/boot_id and field 22 of
// /proc/<pid>/stat). After a reboot, or once the step has ended, its PID may belong to another
// process; a file someone else wrote may say anything ("1" would make `kill -- -1` signal every
// process). So a PID is signalled or waited for only while step_alive holds: the file is ours,
// the PID a plain number above 1, the boot and the start time the same as when it was written.
const char* const StepProcessFunctions = R"SH(start_time() {
  st_line=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st_line=${st_line##*")"}; set -- $st_line; shift 19; echo "$1"
}
boot_id() { cat /proc/sys/kernel/random/boot_id 2>/dev/null; }
step_alive() { # (sh has no locals: these names are its own)
  [ -f "$1" ] && [ -O "$1" ] || return 1
  read -r sa_pid sa_boot sa_start sa_rest < "$1" || return 1
  case $sa_pid in ''|*[!0-9]*) return 1 ;; esac
  [ "$sa_pid" -gt 1 ] && [ -n "$sa_boot" ] && [ -n "$sa_start" ] || return 1
  [ "$sa_boot" = "$(boot_id)" ] && [ "$sa_start" = "$(start_time "$sa_pid")" ]
}
)SH";

// $1 folder, $2 stem, $3 command, $4 and $5 the offsets of .out and .err already seen.
// Launch (only if there is no .pid yet): setsid puts the step in its own session, so the end
// of the SSH session cannot signal it; the wrapper writes the exit status through a rename,
// so a reader sees all of it or nothing, and traps TERM only to get to that line.
// Follow: GNU tail from the offsets; --pid ends it once the step is gone (after a last read),
// and is left out when the status is already there or the process is no longer the step's.
// tail looks for the PID every -s seconds, so that is how late every step's end is seen: at
// its default of 1 s, or 0.2, it was most of a short step's time (a `docker image inspect`
// took 0.35 s, of which 0.23 s waiting); at 0.02 s a two-hour step costs tail 360,000 kill(0)s.
// A watcher on stdin turns "cancel" into TERM, then KILL, of the step's group, if it still is.
const char* const Script = R"SH(dir=$1 base=$1/$2 cmd=$3
IFS= read -r nonce || exit 125
printf '\036myst-begin\n'; printf '\036myst-begin\n' >&2
if [ ! -f "$base.pid" ]; then
  (umask 077 && mkdir -p -- "$dir") && chmod 700 -- "$dir" || exit 125
  # The run folders an older version may have made readable, and never anything above them
  # (a folder that is not <…>/.myst-upgrade/runs/<run> has parents that are not ours: /tmp).
  case "${dir%/*}" in */.myst-upgrade/runs) chmod 700 -- "${dir%/*}" "${dir%/*/*}" ;; esac
  : > "$base.out"; : > "$base.err"
  setsid sh -c 'trap : TERM; sh -c "$1" </dev/null >>"$2.out" 2>>"$2.err"; st=$?
    echo "$st" > "$2.status.tmp" && mv -f "$2.status.tmp" "$2.status"' myst-step "$cmd" "$base" \
    </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid $(boot_id) $(start_time "$pid")" > "$base.pid.tmp" && mv -f "$base.pid.tmp" "$base.pid"
fi
read -r pid _ < "$base.pid"
alive=; step_alive "$base.pid" && alive=1
exec 3<&0
{ trap '' TERM
  while read -r line; do
    if [ "$line" = cancel ] && step_alive "$base.pid"; then
      kill -s TERM -- "-$pid" 2>/dev/null; sleep 2
      step_alive "$base.pid" && kill -s KILL -- "-$pid" 2>/dev/null
    fi
  done; } <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
follow=
[ -f "$base.status" ] || [ -z "$alive" ] || follow="-f --pid=$pid"
tail -s 0.02 -c +$(($4 + 1)) $follow -- "$base.out" & t1=$!
tail -s 0.02 -c +$(($5 + 1)) $follow -- "$base.err" >&2 & t2=$!
wait "$t1"; wait "$t2"
kill "$watcher" 2>/dev/null
last=$(tail -c 1 -- "$base.err" | od -An -tx1 | tr -d ' \n')
[ -n "$last" ] && [ "$last" != 0a ] && printf '\n' >&2
if [ -f "$base.status" ]; then st=$(cat "$base.status"); else st=lost; fi
printf '\036myst-status %s %s\n' "$nonce" "$st" >&2)SH";

// $1 the interrupted run's step folder on the host, $2 the step timeout in seconds. A step of
// that run may still be running there (its wizard died): wait for it to end, and stop it once
// it has run longer than a step may, as its own wizard would have. A .pid file whose process
// is not the step's any more (see step_alive) is an ended step without status: said, not waited.
const char* const WaitScript = R"SH(dir=$1 limit=$2
for p in "$dir"/*.pid; do
  [ -f "$p" ] || continue
  b=${p%.pid}; [ -f "$b.status" ] && continue
  if ! step_alive "$p"; then
    echo "${b##*/} of the interrupted run is not running (it ended without an exit status, or the host restarted since): not waited for, nothing signalled"
    continue
  fi
  read -r pid _ < "$p"
  echo "waiting for ${b##*/} of the interrupted run to end on the host (pid $pid)"
  start=$(stat -c %Y -- "$p")
  while step_alive "$p" && [ ! -f "$b.status" ]; do
    if [ $(($(date +%s) - start)) -ge "$limit" ]; then
      echo "stopping ${b##*/}: it has run longer than the step timeout ($limit s)"
      kill -s TERM -- "-$pid" 2>/dev/null; sleep 2
      step_alive "$p" && kill -s KILL -- "-$pid" 2>/dev/null
      break
    fi
    sleep 1
  done
  [ -f "$b.status" ] && echo "${b##*/} ended with status $(cat "$b.status")"
done)SH";

QString signalName(int status)
{
    switch (status - 128) {
    case 1:
        return QStringLiteral("HUP");
    case 2:
        return QStringLiteral("INT");
    case 9:
        return QStringLiteral("KILL");
    case 15:
        return QStringLiteral("TERM");
    default:
        return QString::number(status - 128);
    }
}
} // namespace

DetachedCommand::DetachedCommand(SshConnection& connection, DetachedStep& step, QString commandLine)
    : m_connection(connection), m_step(step), m_commandLine(std::move(commandLine))
{
}

void DetachedCommand::deliver(int stream, const QString& line)
{
    if (stream == 1 && line.startsWith(StatusMarker + m_nonce + QLatin1Char(' '))) {
        m_status = line.mid(StatusMarker.size() + m_nonce.size() + 1).trimmed();
        return;
    }
    if (stream == 0) {
        m_step.stdoutTail.append(line);
        if (line.startsWith(QLatin1String("Backed up to ")))
            m_step.backupLine = line.left(LineTail::MaxLineChars);
    } else if (!line.trimmed().isEmpty()) {
        m_step.lastStderrLine = line.trimmed();
    }
    if (m_handler) {
        m_handler(stream == 0 ? OutputStream::Stdout : OutputStream::Stderr, line);
    }
}

CommandResult DetachedCommand::run()
{
    CommandResult result;
    const QString id = m_connection.endpoint().id();
    const auto lost = [&](const QString& what) {
        result.error = SshError::Lost;
        result.errorMessage =
            QStringLiteral("Connection to %1 lost%2: %3").arg(id, what, m_connection.lastError());
    };
    if (!m_connection.isConnected()) {
        lost(QString());
        return result;
    }
    const QString command =
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"),
                      QString::fromLatin1(StepProcessFunctions) + QString::fromLatin1(Script),
                      QStringLiteral("myst-follow"), m_step.directory, m_step.name, m_commandLine,
                      QString::number(m_step.offsets[0]), QString::number(m_step.offsets[1])});
    ssh_channel channel = ssh_channel_new(m_connection.session());
    if (!channel || ssh_channel_open_session(channel) != SSH_OK ||
        ssh_channel_request_exec(channel, command.toUtf8().constData()) != SSH_OK) {
        if (channel) {
            ssh_channel_free(channel);
        }
        lost(QStringLiteral(" before the step could be followed"));
        return result;
    }
    // The nonce first, before anything else the follower reads ("cancel").
    m_nonce = QString::number(QRandomGenerator::system()->generate64(), 16) +
              QString::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray nonceLine = m_nonce.toLatin1() + '\n';
    if (ssh_channel_write(channel, nonceLine.constData(), uint32_t(nonceLine.size())) !=
        int(nonceLine.size())) {
        ssh_channel_free(channel);
        lost(QStringLiteral(" before the step could be followed"));
        return result;
    }
    result.started = true;
    if (m_step.firstStartedMs < 0) {
        m_step.firstStartedMs = QDateTime::currentMSecsSinceEpoch();
    }
    const LineSplitter::Sink sinks[2] = {[this](const QString& l) { deliver(0, l); },
                                         [this](const QString& l) { deliver(1, l); }};
    bool stopSent = false;
    OutputFrame frames[2]; // a login banner is neither output nor counted in the offsets
    const auto onBytes = [&](int stream, const char* bytes, int n) {
        const QByteArray ours = frames[stream].feed(bytes, n);
        if (ours.isEmpty())
            return;
        // Once the status has come, the step is over and offsets no longer matter.
        m_step.offsets[stream] += ours.size();
        m_step.splitters[stream].feed(ours.constData(), int(ours.size()), sinks[stream]);
    };
    for (;;) {
        const ChannelRead read = readChannelOnce(channel, onBytes);
        if (read == ChannelRead::Failed) {
            lost(QString());
            break;
        }
        if (read == ChannelRead::Data) {
            continue;
        }
        if (read == ChannelRead::Ended) {
            break;
        }
        if (!stopSent) {
            const qint64 elapsed = QDateTime::currentMSecsSinceEpoch() - m_step.firstStartedMs;
            const bool timeUp = m_timeoutMs > 0 && elapsed > m_timeoutMs;
            if (timeUp || (m_cancel && m_cancel->load())) {
                result.timedOut = timeUp;
                result.cancelled = !timeUp;
                stopSent = true;
                ssh_channel_write(channel, "cancel\n", 7);
            }
        }
        m_connection.keepAliveIfDue(); // a quiet step must not look idle to a NAT
        if (ssh_channel_poll_timeout(channel, PollMs, 0) == SSH_ERROR) {
            lost(QString());
            break;
        }
    }
    if (result.error == SshError::None) {
        ssh_channel_get_exit_status(channel); // the follower has finished
    }
    if (ssh_is_connected(m_connection.session())) {
        ssh_channel_close(channel);
    }
    ssh_channel_free(channel);
    if (result.error != SshError::None) {
        return result; // the step goes on on the host; run() again to reattach
    }
    // Only now can the last line, without a newline, be known to be complete.
    for (int stream = 0; stream < 2; ++stream) {
        m_step.splitters[stream].finish(sinks[stream]);
    }
    bool numeric = false;
    const int status = m_status.toInt(&numeric);
    if (!numeric) {
        result.error = SshError::Channel;
        result.errorMessage =
            m_status == QLatin1String("lost")
                ? QStringLiteral("the step's process on %1 ended without an exit status (killed, "
                                 "or the host restarted)")
                      .arg(id)
                : QStringLiteral("could not follow the step on %1").arg(id);
        return result;
    }
    if (status > 128 && status < 160) {
        result.exitSignal = signalName(status);
    } else {
        result.exitStatus = status;
    }
    return result;
}

QString waitForInterruptedStepsCommand(const QString& stepFolder, int limitSeconds)
{
    return shellCommand(
        {QStringLiteral("sh"), QStringLiteral("-c"),
         QString::fromLatin1(StepProcessFunctions) + QString::fromLatin1(WaitScript),
         QStringLiteral("myst-wait"), stepFolder, QString::number(limitSeconds)});
}

} // namespace myst
