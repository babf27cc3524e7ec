#include "core/host/HostRetention.h"

#include "core/base/ShellQuote.h"
#include "core/base/Validation.h"
#include "core/ssh/RemoteCommand.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace myst {

namespace {
// $1 the runs folder: one line per run folder, "<name> 1" when a step there has a .pid but no
// .status yet (it may still run, or be resumed), else "<name> 0".
const char* const ListRuns = R"SH(cd -- "$1" 2>/dev/null || exit 0
for d in */; do
  d=${d%/}; open=0
  for p in "$d"/*.pid; do [ -f "$p" ] && [ ! -f "${p%.pid}.status" ] && open=1; done
  echo "myst-run $d $open $(stat -c %.9Y -- "$d")"
done)SH";

// Removes each path that exists and says which.
const char* const RemoveEach = R"SH(for f; do
  [ -e "$f" ] || continue
  rm -rf -- "$f" && echo "myst-removed $f"
done)SH";
} // namespace

RetentionChoice chooseRetention(const QStringList& onHost, const QStringList& open,
                                const QList<Journal>& runs, const QString& role,
                                const QString& imagesPath, const QString& currentRunId, int keep)
{
    RetentionChoice choice;
    QStringList folders = onHost; // newest first
    folders.removeAll(currentRunId);
    folders.prepend(currentRunId);
    for (int i = qMax(1, keep); i < folders.size(); ++i) {
        if (isValidRunId(folders.at(i)) && !open.contains(folders.at(i)))
            choice.runFolders << folders.at(i);
    }
    QStringList kept; // archives the newest runs uploaded (the same name may come back)
    for (int i = 0; i < runs.size(); ++i) {
        const QString archive = runs.at(i).records.value(role).uploadedImagePath;
        if (archive.isEmpty())
            continue;
        const bool recent = i < keep || runs.at(i).runId == currentRunId;
        if (recent || runs.at(i).isUnfinished()) {
            kept << archive;
        } else if (!kept.contains(archive) && !choice.archives.contains(archive) &&
                   isSafeAbsolutePath(archive) &&
                   archive.startsWith(imagesPath + QLatin1Char('/'))) {
            choice.archives << archive;
        }
    }
    for (const QString& archive : kept)
        choice.archives.removeAll(archive);
    return choice;
}

QStringList applyRetention(HostSession& connection, const SiteHost& host, const Journal& current,
                           int keep)
{
    const QString runsPath = host.mystHome + QStringLiteral("/.myst-upgrade/runs");
    const CapturedOutput listed = connection.capture(
        shellCommand({QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(ListRuns),
                      QStringLiteral("myst-runs"), runsPath}));
    if (!listed.result.succeeded()) {
        return {QStringLiteral("[cleanup] %1: could not list %2 (%3); nothing was removed")
                    .arg(host.role, runsPath, listed.result.describe())};
    }
    static const QRegularExpression line(
        QStringLiteral("^myst-run (\\S+) ([01]) ([0-9]+(?:\\.[0-9]+)?)$"));
    // Newest first by when the host last wrote in the folder: run IDs start with the second
    // they began, and two runs can begin in the same second.
    QList<QPair<double, QString>> folders;
    QStringList open;
    for (const QString& l : listed.stdoutLines) {
        const QRegularExpressionMatch m = line.match(l);
        if (!m.hasMatch())
            continue; // a login banner, or a name that is not a run ID
        folders << qMakePair(m.captured(3).toDouble(), m.captured(1));
        if (m.captured(2) == QLatin1String("1"))
            open << m.captured(1);
    }
    std::sort(folders.begin(), folders.end(), std::greater<>());
    QStringList onHost;
    for (const auto& folder : folders)
        onHost << folder.second;
    QList<Journal> runs;
    const QString site = QFileInfo(current.sitePath).absoluteFilePath();
    for (const Journal& j : Journal::loadAll()) {
        if (QFileInfo(j.sitePath).absoluteFilePath() == site)
            runs << j;
    }
    const RetentionChoice choice =
        chooseRetention(onHost, open, runs, host.role, host.imagesPath(), current.runId, keep);
    QStringList paths;
    for (const QString& id : choice.runFolders)
        paths << runsPath + QLatin1Char('/') + id;
    paths << choice.archives;
    if (paths.isEmpty())
        return {};
    QStringList args{QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(RemoveEach),
                     QStringLiteral("myst-rm")};
    const CapturedOutput removed = connection.capture(shellCommand(args + paths));
    QStringList log;
    for (const QString& l : removed.stdoutLines) {
        if (l.startsWith(QLatin1String("myst-removed ")))
            log << QStringLiteral("[cleanup] %1: removed %2 (older than the newest %3 runs)")
                       .arg(host.role, l.mid(13))
                       .arg(keep);
    }
    if (!removed.result.succeeded())
        log << QStringLiteral("[cleanup] %1: some of %2 could not be removed (%3)")
                   .arg(host.role, paths.join(QStringLiteral(", ")), removed.result.describe());
    return log;
}

} // namespace myst
