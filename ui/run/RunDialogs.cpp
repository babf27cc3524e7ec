#include "ui/run/RunDialogs.h"
#include "core/journal/RunNames.h"

#include "core/session/RunSession.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/Roles.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QMap>
#include <QMessageBox>
#include <QPushButton>

namespace myst {

RollbackOffer RollbackOffer::from(const QMap<QString, HostRecord>& recorded, const Site& site)
{
    Journal backedUp; // what RunSession::rollbackRole decides from: the backups taken so far
    RollbackOffer offer;
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        if (it->backupPath.isEmpty())
            continue; // a host this run has not changed (yet)
        backedUp.records.insert(it.key(), *it);
        // Production first, the host whose outage counts; then the others.
        offer.roles.insert(it.key() == Roles::Prod ? 0 : offer.roles.size(), it.key());
    }
    QStringList details;
    for (const QString& role : offer.roles)
        details << RunDialogs::tr("%1Backup: %2\nPrevious image: %3")
                       .arg(offer.roles.size() > 1 ? role + QStringLiteral(": ") : QString(),
                            recorded.value(role).backupPath, recorded.value(role).previousImageId);
    offer.details = details.join(QLatin1Char('\n'));
    offer.defaultRole = RunSession::rollbackRole(backedUp, site, {});
    return offer;
}

namespace {
QMessageBox* warning(QWidget* parent, const QString& name, const QString& title,
                     const QString& text, QMessageBox::StandardButtons buttons = {})
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, buttons, parent);
    box->setObjectName(name);
    box->setAttribute(Qt::WA_DeleteOnClose);
    return box;
}

// Opens the box (no event loop of its own); `then` runs only when `go` is what was clicked.
void openAndThen(QMessageBox* box, QPushButton* go, std::function<void()> then)
{
    plaintext::makePlain(box); // every text in these boxes may quote a host
    QObject::connect(box, &QMessageBox::finished, box, [box, go, then] {
        if (box->clickedButton() == go)
            then();
    });
    box->open();
}
} // namespace

void RunDialogs::confirmCancel(QWidget* parent, std::function<void()> cancel)
{
    QMessageBox* box =
        warning(parent, QStringLiteral("cancelRunDialog"), tr("Cancel the run?"),
                tr("Cancelling stops the current step on the host: its processes are terminated. "
                   "The host is left between steps; if MyST Studio was already stopped it stays "
                   "down until you roll back or start it. The steps not yet run are skipped."));
    QPushButton* stop = box->addButton(tr("Cancel the run"), QMessageBox::DestructiveRole);
    box->addButton(tr("Keep running"), QMessageBox::RejectRole);
    openAndThen(box, stop, cancel);
}

void RunDialogs::chooseRollback(QWidget* parent, const RollbackOffer& offer,
                                std::function<void(const QString& role)> chosen)
{
    QMessageBox* box = warning(
        parent, QStringLiteral("rollbackDialog"), tr("Roll back?"),
        tr("This %1re-tags the previous image as myst-studio, restores the database backup taken "
           "before the upgrade and restarts MyST Studio.\n\nEverything changed in MyST Studio "
           "since the backup (about %2) will be lost.")
            .arg(offer.cancelsRun ? tr("cancels the upgrade, ") : QString(), offer.since));
    box->setDetailedText(offer.details);
    QMap<QAbstractButton*, QString> roles;
    for (const QString& role : offer.roles) {
        QPushButton* go = box->addButton(
            offer.roles.size() > 1 ? tr("Roll back %1").arg(Roles::noun(role)) : tr("Roll back"),
            QMessageBox::DestructiveRole);
        // The default host's button is "the" confirm button; another's is named after its host
        // (confirmRollbackNonprodButton), so that scripts and tests can tell them apart.
        go->setObjectName(role == offer.defaultRole
                              ? QStringLiteral("confirmRollbackButton")
                              : QStringLiteral("confirmRollback%1%2Button")
                                    .arg(role.left(1).toUpper(), role.mid(1)));
        roles.insert(go, role);
        if (role == offer.defaultRole)
            box->setDefaultButton(go);
    }
    box->addButton(tr("Do not roll back"), QMessageBox::RejectRole);
    QObject::connect(box, &QMessageBox::finished, box, [box, roles, chosen] {
        const QString role = roles.value(box->clickedButton());
        if (!role.isEmpty())
            chosen(role);
    });
    plaintext::makePlain(box);
    box->open();
}

void RunDialogs::confirmRollbackOf(QWidget* parent, const Journal& run,
                                   std::function<void()> confirmed)
{
    QMessageBox* box = warning(
        parent, QStringLiteral("rollbackDialog"), tr("Roll back?"),
        tr("This re-tags the previous image as myst-studio, restores the database backup taken "
           "before the upgrade (run %1) and restarts MyST Studio.\n\nEverything changed in MyST "
           "Studio since %2 will be lost.")
            .arg(run.runId,
                 run.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    QPushButton* go = box->addButton(tr("Roll back"), QMessageBox::DestructiveRole);
    go->setObjectName(QStringLiteral("confirmRollbackButton"));
    box->setDefaultButton(go);
    box->addButton(tr("Do not roll back"), QMessageBox::RejectRole);
    openAndThen(box, go, confirmed);
}

void RunDialogs::confirmRollbackAgain(QWidget* parent, const Journal& upgrade,
                                      const Journal& undone, const QString& role,
                                      std::function<void()> confirmed)
{
    const auto at = [](const QDateTime& t) {
        return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    };
    QMessageBox* box =
        warning(parent, QStringLiteral("rollbackAgainDialog"), tr("Roll back again?"),
                tr("Run %1 already rolled %2 back from this upgrade (run %3), on %4.")
                    .arg(undone.runId, role, upgrade.runId, at(undone.finished)));
    box->setInformativeText(
        tr("Rolling back again restores the same backup, taken before %1: everything written "
           "in MyST Studio since, also after that rollback, is lost.")
            .arg(at(upgrade.started)));
    QPushButton* go = box->addButton(tr("Roll back again"), QMessageBox::DestructiveRole);
    go->setObjectName(QStringLiteral("confirmRollbackAgainButton"));
    box->setDefaultButton(box->addButton(tr("Do not roll back"), QMessageBox::RejectRole));
    openAndThen(box, go, confirmed);
}

void RunDialogs::confirmHostRollback(QWidget* parent, const QString& what, const QString& loses,
                                     std::function<void()> confirmed)
{
    QMessageBox* box =
        warning(parent, QStringLiteral("hostRollbackDialog"), tr("Roll back now?"), what);
    box->setInformativeText(loses + tr("\n\nMyST Studio is down while the backup is restored."));
    QPushButton* go = box->addButton(tr("Roll back now"), QMessageBox::DestructiveRole);
    go->setObjectName(QStringLiteral("confirmHostRollbackButton"));
    box->setDefaultButton(go);
    box->addButton(tr("Do not roll back"), QMessageBox::RejectRole);
    openAndThen(box, go, confirmed);
}

void RunDialogs::confirmBreakLock(QWidget* parent, const QString& role, const QString& holder,
                                  std::function<void()> confirmed)
{
    QMessageBox* box =
        warning(parent, QStringLiteral("breakLockDialog"), tr("Break the lock"),
                tr("%1 is locked by another upgrade: %2.").arg(role, holder), QMessageBox::Cancel);
    box->setInformativeText(
        tr("Break it only if you are sure that upgrade is no longer running: its computer "
           "crashed, or it was abandoned. Two upgrades of one host at once can leave MyST "
           "Studio broken. If it was interrupted, continuing or rolling it back from its own "
           "computer is safer."));
    QPushButton* confirm =
        box->addButton(tr("Break the lock and run again"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmBreakLockButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    openAndThen(box, confirm, confirmed);
}

void RunDialogs::askSecret(QWidget* parent, const QString& role, const SiteHost& host,
                           std::function<void(bool given, const QString& secret)> done)
{
    const bool password = host.auth == AuthMethod::Password;
    auto* dialog = new QInputDialog(parent);
    dialog->setObjectName(QStringLiteral("secretDialog"));
    dialog->setWindowTitle(password ? tr("Password") : tr("Key passphrase"));
    dialog->setLabelText(
        password ? tr("The keychain holds no password for %1 (%2).\nPassword:")
                       .arg(host.endpoint.id(), role)
                 : tr("The keychain holds no passphrase for %1, the key for %2 (%3).\nPassphrase:")
                       .arg(host.endpoint.identityFile, host.endpoint.id(), role));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QInputDialog::finished, dialog, [dialog, done](int result) {
        done(result == QDialog::Accepted, dialog->textValue());
    });
    dialog->open();
}

} // namespace myst
