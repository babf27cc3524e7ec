#include "ui/widgets/HostHistoryPanel.h"

#include "core/base/Background.h"
#include "core/site/SecretLoader.h"
#include "ui/widgets/PlainText.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace myst {

namespace {
QString sizeText(qint64 bytes)
{
    return bytes < 0          ? QStringLiteral("?")
           : bytes < 10240    ? QStringLiteral("%1 bytes").arg(bytes)
           : bytes < 10 << 20 ? QStringLiteral("%1 KiB").arg(bytes >> 10)
                              : QStringLiteral("%1 MiB").arg(bytes >> 20);
}

// The column's short form of what is lost; the whole sentence is below the list.
QString lossText(const RollbackPairing& p)
{
    QString text =
        HostHistoryPanel::tr("changes since %1").arg(Pairing::describeTime(p.backupTime));
    if (!p.undone.isEmpty())
        text += HostHistoryPanel::tr("; also undoes %1").arg(p.undone.join(QStringLiteral(", ")));
    if (!p.undoneBy.isEmpty()) // and so everything written since that rollback too
        text += HostHistoryPanel::tr("; already rolled back once: restores the same backup again");
    return text;
}

QString imageText(const QString& id, const QString& version)
{
    return QStringLiteral("MyST Studio %1 (%2)")
        .arg(version.isEmpty() ? QStringLiteral("?") : version, id.mid(7, 12));
}
} // namespace

HostHistoryPanel::HostHistoryPanel(QWidget* parent) : QWidget(parent)
{
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("hostHistoryStatusLabel"));
    m_status->setWordWrap(true);
    plaintext::makePlain(m_status);
    m_rows = new QTreeWidget(this);
    m_rows->setObjectName(QStringLiteral("hostRunsTree"));
    m_rows->setAccessibleName(tr("Roll back to"));
    m_rows->setHeaderLabels(
        {tr("Roll back to"), tr("Database as of"), tr("From"), tr("A rollback loses")});
    m_rows->setRootIsDecorated(false);
    m_rows->setWordWrap(true);
    m_rows->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rows->header()->setStretchLastSection(true);
    m_change = new QWidget(this);
    m_images = new QComboBox(m_change);
    m_images->setObjectName(QStringLiteral("rollbackImageCombo"));
    m_backups = new QComboBox(m_change);
    m_backups->setObjectName(QStringLiteral("rollbackBackupCombo"));
    auto* grid = new QGridLayout(m_change);
    grid->setContentsMargins(0, 0, 0, 0);
    // Each label is its combo box's buddy: that is the name a screen reader announces.
    auto* imageLabel = new QLabel(tr("Change the &image:"), m_change);
    imageLabel->setBuddy(m_images);
    auto* backupLabel = new QLabel(tr("Change the bac&kup:"), m_change);
    backupLabel->setBuddy(m_backups);
    grid->addWidget(imageLabel, 0, 0);
    grid->addWidget(m_images, 0, 1);
    grid->addWidget(backupLabel, 1, 0);
    grid->addWidget(m_backups, 1, 1);
    grid->setColumnStretch(1, 1);
    m_change->hide();
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("hostRollbackDetailLabel"));
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::RichText);
    m_detail->hide(); // shown with a choice: empty, it still took a line of the host's box
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_rows, 1);
    layout->addWidget(m_change);
    layout->addWidget(m_detail);
    connect(m_rows, &QTreeWidget::currentItemChanged, this, [this] {
        describeChoice();
        emit changed();
    });
    connect(m_images, &QComboBox::activated, this, [this] { operatorChoice(); });
    connect(m_backups, &QComboBox::activated, this, [this] { operatorChoice(); });
}

void HostHistoryPanel::load(const Site& site, const QString& role)
{
    const int generation = ++m_generation;
    m_role = role;
    m_rows->clear();
    m_pairings.clear();
    m_ownRow = false;
    m_change->hide();
    m_detail->clear();
    const SiteHost host = site.hosts.value(role);
    m_status->setText(tr("Asking %1 (%2) what it knows…").arg(role, host.endpoint.id()));
    m_whyNot = m_status->text();
    m_asking = true;
    readSecrets(site, {role}, this, [this, generation, host, role](const SecretsResult& secrets) {
        if (generation != m_generation)
            return;
        if (secrets.missing.contains(role)) {
            m_status->setText(
                tr("The keychain holds no password or passphrase for %1, so the host was not "
                   "asked. Choose Upgrade and Next to fill in the Hosts page, or store it with "
                   "myst-upgrade secret.")
                    .arg(host.endpoint.id()));
            m_asking = false;
            nothingToRollBack(m_status->text());
            emit loaded();
            return;
        }
        m_auth = secrets.auth;
        const SshAuth auth = secrets.auth.value(role);
        runInBackground<HostHistory>(
            this, [host, auth] { return HostHistory::read(host, auth); },
            [this, generation](HostHistory history) {
                if (generation == m_generation)
                    show(history);
            });
    });
}

void HostHistoryPanel::show(const HostHistory& history)
{
    m_asking = false;
    if (!history.connection.ok()) {
        m_status->setText(tr("Could not ask the host: %1. Check that it is up and reachable, then "
                             "choose the site again (or Upgrade and Test connection on the Hosts "
                             "page to see what fails).")
                              .arg(history.connection.message));
        nothingToRollBack(m_status->text());
        emit loaded();
        return;
    }
    m_inventory = history.inventory;
    const QList<HostRunRecord>& records = history.inventory.records.records;
    int rows = 0;
    for (const HostRunRecord& r : records) {
        if (!r.canRollBack())
            continue;
        RollbackPairing p = Pairing::fromRecordOnHost(r, history.inventory);
        if (!history.inventory.image(p.imageId)) { // removed since: CheckRollback would refuse
            p.ok = false;
            p.why = tr("Image %1 is no longer on the host: this one cannot be rolled back to.")
                        .arg(p.imageId.left(19));
        }
        addRow(p,
               {imageText(p.imageId, p.version),
                QStringLiteral("%1 (%2)").arg(Pairing::describeTime(p.backupTime),
                                              sizeText(p.backupSize)),
                tr("upgrade %1 → %2, %3 on %4, %5")
                    .arg(r.previousVersion, r.targetVersion, r.user, r.from,
                         Pairing::describeStatus(r, records)),
                p.ok ? lossText(p) : p.why},
               !p.undone.isEmpty() || !p.undoneBy.isEmpty() || !p.ok);
        ++rows;
    }
    QStringList notes = history.inventory.records.refused;
    if (!history.inventory.records.ok)
        notes << history.inventory.records.error;
    const QString refused =
        notes.isEmpty() ? QString()
                        : tr(" Refused (not offered): %1").arg(notes.join(QStringLiteral("; ")));
    const QString unrecorded = Pairing::unrecordedChange(history.inventory);
    if (rows > 0 && unrecorded.isEmpty()) {
        m_status->setText(tr("Upgrades recorded on %1, newest first. Click one to roll back to "
                             "what ran before it.")
                              .arg(m_role) +
                          refused);
    } else {
        // No record, or the host changed after the last one: what it has now comes first.
        showDiscovered(history.inventory, history.pairing); // Pairing::best
        if (!unrecorded.isEmpty())
            m_status->setText(tr("The host changed after its last record: %1. ").arg(unrecorded) +
                              m_status->text());
        m_status->setText(m_status->text() + refused);
    }
    // Something to click, or an earlier image and a non-empty backup to pair by hand.
    bool pairable = false;
    for (const DiscoveredImage& i : history.inventory.images)
        pairable = pairable || !i.tagged;
    bool backup = false;
    for (const DiscoveredBackup& b : history.inventory.backups)
        backup = backup || b.size > 0;
    if (m_rows->topLevelItemCount() > 0 || (pairable && backup && m_change->isVisibleTo(this))) {
        m_whyNot.clear();
        m_rows->show();
    } else {
        nothingToRollBack(history.pairing.why.isEmpty() ? m_status->text() : history.pairing.why);
    }
    emit loaded();
}

void HostHistoryPanel::nothingToRollBack(const QString& why)
{
    m_whyNot = why.isEmpty() ? tr("The host offers nothing to roll back to.") : why;
    m_rows->hide();
    m_change->hide();
    m_detail->clear();
    m_detail->hide();
}

void HostHistoryPanel::showDiscovered(const HostInventory& inv, const RollbackPairing& proposal)
{
    m_images->clear();
    for (const DiscoveredImage& i : inv.images) {
        m_images->addItem(imageText(i.id, i.version) + (i.tagged ? tr(" – current") : QString()) +
                              (i.running ? tr(", running") : QString()),
                          i.id);
    }
    m_backups->clear();
    for (const DiscoveredBackup& b : inv.backups) {
        m_backups->addItem(QStringLiteral("%1  %2  %3")
                               .arg(Pairing::describeTime(b.time), sizeText(b.size), b.path),
                           b.path);
    }
    m_images->setCurrentIndex(m_images->findData(proposal.imageId));
    m_backups->setCurrentIndex(m_backups->findData(proposal.backupPath));
    m_change->setVisible(!inv.images.isEmpty());
    if (proposal.ok) {
        m_status->setText(tr("%1 has no record of its current state (upgraded by hand?). Its "
                             "images and backups suggest the first row: click it, or change the "
                             "image or backup below.")
                              .arg(m_role));
        addRow(proposal, // first: it is what the host shows now
               {imageText(proposal.imageId, proposal.version),
                QStringLiteral("%1 (%2)").arg(Pairing::describeTime(proposal.backupTime),
                                              sizeText(proposal.backupSize)),
                tr("proposed from the host's images and backups"), lossText(proposal)},
               false, true);
        m_ownRow = true;
    } else {
        m_status->setText(
            tr("%1 has no record of its current state, and no rollback can be proposed: %2")
                .arg(m_role, proposal.why) +
            (proposal.ambiguous ? tr(" Choose the image and the backup below.") : QString()));
    }
}

void HostHistoryPanel::addRow(const RollbackPairing& pairing, const QStringList& columns, bool warn,
                              bool first)
{
    auto* item = new QTreeWidgetItem(columns);
    m_rows->insertTopLevelItem(first ? 0 : m_rows->topLevelItemCount(), item);
    if (warn)
        item->setForeground(3, QColor(0xb2, 0x18, 0x18));
    for (int c = 0; c < columns.size(); ++c)
        item->setToolTip(c, plaintext::toolTip(pairing.why + QLatin1Char('\n') + pairing.loses));
    m_pairings.insert(first ? 0 : m_pairings.size(), pairing);
}

void HostHistoryPanel::operatorChoice()
{
    const DiscoveredImage* image = m_inventory.image(m_images->currentData().toString());
    const DiscoveredBackup* backup = m_inventory.backup(m_backups->currentData().toString());
    if (!image || !backup)
        return;
    RollbackPairing p;
    p.ok = backup->size > 0 && !image->tagged;
    p.imageId = image->id;
    p.version = image->version;
    p.backupPath = backup->path;
    p.backupTime = backup->time;
    p.backupSize = backup->size;
    p.why = p.ok ? tr("Chosen here: image %1, backup %2.").arg(image->id.left(19), backup->path)
            : image->tagged ? tr("That image is the current one: choose an earlier one.")
                            : tr("That backup is empty.");
    p.loses = tr("Everything changed in MyST Studio since the backup (%1) is lost.")
                  .arg(Pairing::describeTime(backup->time));
    // One row for the operator's own pairing, first, replacing the proposal (or the one before).
    if (m_ownRow) {
        delete m_rows->takeTopLevelItem(0);
        m_pairings.removeFirst();
    }
    m_ownRow = true;
    addRow(
        p,
        {imageText(p.imageId, p.version),
         QStringLiteral("%1 (%2)").arg(Pairing::describeTime(p.backupTime), sizeText(p.backupSize)),
         tr("your choice"), p.ok ? lossText(p) : p.why},
        !p.ok, true);
    if (p.ok)
        m_rows->setCurrentItem(m_rows->topLevelItem(0));
    describeChoice();
    emit changed();
}

std::optional<RollbackPairing> HostHistoryPanel::chosen() const
{
    const int row = m_rows->currentItem() ? m_rows->indexOfTopLevelItem(m_rows->currentItem()) : -1;
    if (row < 0 || row >= m_pairings.size() || !m_pairings.at(row).ok)
        return std::nullopt;
    return m_pairings.at(row);
}

void HostHistoryPanel::clearChoice()
{
    m_rows->setCurrentItem(nullptr);
    m_rows->clearSelection();
}

void HostHistoryPanel::describeChoice()
{
    const std::optional<RollbackPairing> p = chosen();
    if (!p) {
        m_detail->clear();
        m_detail->hide();
        return;
    }
    m_detail->show();
    m_detail->setText(
        tr("<b>Restores</b> %1 and the database as of %2.<br><b>Loses</b> %3<br><small>%4</small>")
            .arg(imageText(p->imageId, p->version).toHtmlEscaped(),
                 Pairing::describeTime(p->backupTime), p->loses.toHtmlEscaped(),
                 p->why.toHtmlEscaped()));
}

} // namespace myst
