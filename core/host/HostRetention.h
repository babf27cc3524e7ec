#pragma once

#include "core/journal/Journal.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QStringList>

namespace myst {

// What a successful run removes from a host it worked on, so that nothing piles up there for
// ever: the step folders (.myst-upgrade/runs/<run>) of all but the newest `keep` runs, and the
// image archives that earlier runs of this site uploaded, unless one of the newest `keep` runs
// uploaded the same file. A folder with a step that has no exit status yet (an interrupted run
// that may still be resumed) is kept, and nothing this product did not create is touched: the
// vendor's own backups stay. Returns what it removed, one line each, for the run's log.
QStringList applyRetention(HostSession& connection, const SiteHost& host, const Journal& current,
                           int keep);

// The choice itself, without a host: which run folders of `onHost` (run IDs, newest first;
// those in `open` have unfinished steps) and which archives recorded by `runs` (newest first)
// go, when `current` has just succeeded.
struct RetentionChoice
{
    QStringList runFolders; // run IDs
    QStringList archives;   // absolute paths on the host
};
RetentionChoice chooseRetention(const QStringList& onHost, const QStringList& open,
                                const QList<Journal>& runs, const QString& role,
                                const QString& imagesPath, const QString& currentRunId, int keep);

} // namespace myst
