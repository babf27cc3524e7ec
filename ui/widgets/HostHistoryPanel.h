#pragma once

#include "core/session/HostHistory.h"
#include "core/site/Site.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QTreeWidget;

namespace myst {

// What the host knows, on the Start page: its recorded upgrades, newest first, each with what
// a rollback restores and what it loses; for a host without records, its MyST Studio images
// and backups with the proposed pairing (or why it is ambiguous) and two lists to change it.
// Read in the background (keychain, then HostHistory::read on a worker thread): the GUI never
// waits on the host. A row is chosen with one click.
class HostHistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HostHistoryPanel(QWidget* parent = nullptr);

    // Reads the host of `role` (again). The keychain's secret, or none when it holds none.
    void load(const Site& site, const QString& role);
    // The chosen rollback: a recorded upgrade, the proposal, or the operator's own pairing.
    std::optional<RollbackPairing> chosen() const;
    // Whether the host offers anything to roll back to: a row to click, or an earlier image and
    // a backup to pair by hand. When not, whyNot() says why (and, before the host answered,
    // that it is being asked): the Start page disables its choice with that reason.
    bool canRollBack() const { return m_whyNot.isEmpty(); }
    QString whyNot() const { return m_whyNot; }
    bool isAsking() const { return m_asking; }
    QString role() const { return m_role; }
    const QMap<QString, SshAuth>& auth() const { return m_auth; }
    void clearChoice();

signals:
    void loaded();  // the host answered (or could not be reached: the label says why)
    void changed(); // a row was chosen or unchosen

private:
    void show(const HostHistory& history);
    void showDiscovered(const HostInventory& inventory, const RollbackPairing& proposal);
    void addRow(const RollbackPairing& pairing, const QStringList& columns, bool warn,
                bool first = false);
    void operatorChoice(); // the image or backup list changed
    void describeChoice();
    void nothingToRollBack(const QString& why); // hides the empty list and lists to change it

    QLabel* m_status;
    QTreeWidget* m_rows;
    QWidget* m_change;
    QComboBox* m_images;
    QComboBox* m_backups;
    QLabel* m_detail;
    QList<RollbackPairing> m_pairings; // by row
    bool m_ownRow = false;             // row 0 is the proposal or the operator's own pairing
    HostInventory m_inventory;
    QString m_role;
    QString m_whyNot; // empty: something can be rolled back to
    bool m_asking = false;
    QMap<QString, SshAuth> m_auth;
    int m_generation = 0; // a newer load() makes older answers stale
};

} // namespace myst
