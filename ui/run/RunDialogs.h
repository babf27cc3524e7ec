#pragma once

#include "core/journal/Journal.h"
#include "core/site/Site.h"

#include <QCoreApplication>
#include <QStringList>

#include <functional>

class QWidget;

namespace myst {

// What the rollback confirmation offers: the hosts it can roll back (one button each), the
// one the dialog defaults to, and what the operator should know before confirming.
struct RollbackOffer
{
    QStringList roles;       // hosts with a recorded backup, in the order to offer them
    QString defaultRole;     // RunSession::rollbackRole
    QString since;           // about when the backup was taken ("HH:mm:ss")
    bool cancelsRun = false; // the upgrade is still running: the rollback cancels it first
    QString details;         // backup paths and previous images, for "Show Details…"

    // The hosts a run recorded a backup of (production first), their details, and the default.
    static RollbackOffer from(const QMap<QString, HostRecord>& recorded, const Site& site);
};

// The questions the Run and Start pages ask before doing something that cannot be taken back
// (cancel, roll back, break a lock) or that needs a secret. Each dialog is window-modal and
// opened with open(), never exec(): the run's signals keep arriving while it is up. The
// callbacks run only when the operator confirms; object names are what the GUI tests click.
class RunDialogs
{
    Q_DECLARE_TR_FUNCTIONS(RunDialogs)
public:
    static void confirmCancel(QWidget* parent, std::function<void()> cancel);
    // From the Run page: one button per host of the offer; `chosen` gets the host's role.
    static void chooseRollback(QWidget* parent, const RollbackOffer& offer,
                               std::function<void(const QString& role)> chosen);
    // From the Start page: the rollback of a recorded (interrupted) upgrade run.
    static void confirmRollbackOf(QWidget* parent, const Journal& run,
                                  std::function<void()> confirmed);
    // From the Start page: `upgrade` of `role` was rolled back already, by `undone`; doing it
    // again restores the same backup and loses what was written since. Not the default.
    static void confirmRollbackAgain(QWidget* parent, const Journal& upgrade, const Journal& undone,
                                     const QString& role, std::function<void()> confirmed);
    // From the Start page: a rollback from what the host knows (`what` names the host, the
    // image, the backup; `loses` what is lost).
    static void confirmHostRollback(QWidget* parent, const QString& what, const QString& loses,
                                    std::function<void()> confirmed);
    // Another upgrade's lock refused the run: break it only after a warning naming the holder.
    static void confirmBreakLock(QWidget* parent, const QString& role, const QString& holder,
                                 std::function<void()> confirmed);
    // A host whose password or passphrase is neither entered nor in the keychain; `done` gets
    // whether the operator gave it, and the secret.
    static void askSecret(QWidget* parent, const QString& role, const SiteHost& host,
                          std::function<void(bool given, const QString& secret)> done);
};

} // namespace myst
