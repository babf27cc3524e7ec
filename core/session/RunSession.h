#pragma once

#include "core/journal/Journal.h"
#include "core/plan/Plan.h"
#include "core/site/Site.h"

#include <optional>

namespace myst {

// What an operator asks for when starting an upgrade, from the CLI's options or the wizard's
// pages alike.
struct UpgradeRequest
{
    QString approach; // approachName(): "in-place", "phased", "zero-downtime"
    QString version;  // may be empty with an offline image: the archive's is used
    QString role;     // in-place: the host; empty means the site's default (prod)
    bool copyProdData = false;
    bool keepProdCopy = false;
    QString imageArchive; // a docker save archive on this computer, or empty...
    OfflineImage offline; // ...or one already read (the wizard reads it on a worker thread)
};

// Where an interrupted run stands: its first step that has not succeeded.
struct ResumePoint
{
    int index = -1; // -1: every step succeeded
    QString text;   // "step 5 "Stop MyST Studio" on prod", or "the end"
};

// The decisions the command line and the wizard share, made once (Nextcloud's libsync is used
// by its GUI and its command line the same way): which plan an upgrade, a rollback or a resume
// runs, which host a rollback undoes, where a run stopped, and the journal a new run starts
// with. Nothing here talks to a host.
namespace RunSession {

// Reads and checks an offline image archive here, before any host is contacted.
bool readOfflineImage(const QString& path, OfflineImage* image, QString* error);

// The upgrade plan for a request, or a message saying what is wrong with it.
bool planUpgrade(const Site& site, const UpgradeRequest& request, Plan* plan, QString* error);

// `switch --to ROLE`: traffic to the other instance of a blue/green site, on its own.
bool planSwitch(const Site& site, const QString& toRole, Plan* plan, QString* error);

// The host a rollback of `upgrade` works on: the one asked for, else the site's default host
// when the run recorded it, else the first host it recorded.
QString rollbackRole(const Journal& upgrade, const Site& site, const QString& asked);

// The newest rollback run in this computer's journal (`journals`, newest first) that undid
// `role` of `upgrade` and succeeded; none when none did. A second one would restore the same
// backup again.
std::optional<Journal> rolledBackBy(const Journal& upgrade, const QString& role,
                                    const QList<Journal>& journals = Journal::loadAll());

// The rollback of one host of an upgrade run, from what it recorded.
bool planRollback(const Site& site, const Journal& upgrade, const QString& role, Plan* plan,
                  QString* error);

// An interrupted run's plan, rebuilt by the plan builders (see resumePlan).
std::optional<Plan> planResume(const Journal& run, const Site& site, QString* error);

ResumePoint resumePoint(const Journal& run);

// The journal a new run of `plan` starts with; a rollback names the run it undoes.
Journal newJournal(const Plan& plan, const QString& rollbackOf = {});

} // namespace RunSession

} // namespace myst
