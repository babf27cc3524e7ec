#include "app/cli/HistoryText.h"

#include <QJsonArray>

namespace myst {

namespace {
QString iso(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString size(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("? bytes");
    if (bytes < 10 * 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}
} // namespace

QJsonObject pairingJson(const RollbackPairing& p)
{
    return {{QStringLiteral("ok"), p.ok},
            {QStringLiteral("ambiguous"), p.ambiguous},
            {QStringLiteral("imageId"), p.imageId},
            {QStringLiteral("version"), p.version},
            {QStringLiteral("backupPath"), p.backupPath},
            {QStringLiteral("backupTime"), iso(p.backupTime)},
            {QStringLiteral("backupSize"), p.backupSize},
            {QStringLiteral("runId"), p.runId},
            {QStringLiteral("why"), p.why},
            {QStringLiteral("loses"), p.loses},
            {QStringLiteral("undone"), QJsonArray::fromStringList(p.undone)}};
}

QJsonObject historyJson(const QString& role, const HostHistory& history)
{
    const HostInventory& inv = history.inventory;
    QJsonArray records, images, backups;
    for (const HostRunRecord& r : inv.records.records) {
        QJsonObject record = r.toJson();
        if (const HostRunRecord* undone = HostRecordStore::undoneBy(inv.records.records, r.runId))
            record.insert(QStringLiteral("rolledBackBy"), undone->runId);
        records.append(record);
    }
    for (const DiscoveredImage& i : inv.images) {
        images.append(QJsonObject{{QStringLiteral("id"), i.id},
                                  {QStringLiteral("tags"), QJsonArray::fromStringList(i.tags)},
                                  {QStringLiteral("version"), i.version},
                                  {QStringLiteral("created"), iso(i.created)},
                                  {QStringLiteral("tagged"), i.tagged},
                                  {QStringLiteral("running"), i.running}});
    }
    for (const DiscoveredBackup& b : inv.backups) {
        backups.append(QJsonObject{{QStringLiteral("path"), b.path},
                                   {QStringLiteral("size"), b.size},
                                   {QStringLiteral("time"), iso(b.time)}});
    }
    return {{QStringLiteral("event"), QStringLiteral("history")},
            {QStringLiteral("role"), role},
            {QStringLiteral("records"), records},
            {QStringLiteral("refused"), QJsonArray::fromStringList(inv.records.refused)},
            {QStringLiteral("images"), images},
            {QStringLiteral("backups"), backups},
            {QStringLiteral("pairing"), pairingJson(history.pairing)},
            {QStringLiteral("notes"), QJsonArray::fromStringList(inv.notes)}};
}

QString historyText(const QString& role, const HostHistory& history)
{
    const HostInventory& inv = history.inventory;
    QStringList out;
    out << QStringLiteral("%1: runs recorded on the host (newest first)").arg(role);
    if (inv.records.records.isEmpty())
        out << QStringLiteral("  none");
    for (const HostRunRecord& r : inv.records.records) {
        out << QStringLiteral("  %1  %2 %3  %4  by %5 on %6  %7")
                   .arg(r.runId, r.kind,
                        r.targetVersion.isEmpty() ? QStringLiteral("-") : r.targetVersion,
                        Pairing::describeStatus(r, inv.records.records), r.user, r.from,
                        Pairing::describeTime(r.started));
        if (r.kind == QLatin1String("upgrade"))
            out << QStringLiteral("      before: %1 (%2); backup %3 (%4, %5)")
                       .arg(r.previousImageId.left(19), r.previousVersion, r.backupPath,
                            size(r.backupSize), Pairing::describeTime(r.backupTime));
    }
    for (const QString& refused : inv.records.refused)
        out << QStringLiteral("  REFUSED %1").arg(refused);
    out << QStringLiteral("%1: MyST Studio images").arg(role);
    if (inv.images.isEmpty())
        out << QStringLiteral("  none");
    for (const DiscoveredImage& i : inv.images) {
        QStringList marks;
        if (i.tagged)
            marks << QStringLiteral("tagged myst-studio");
        if (i.running)
            marks << QStringLiteral("running since %1")
                         .arg(Pairing::describeTime(i.containerCreated));
        out << QStringLiteral("  %1  %2  created %3  %4  %5")
                   .arg(i.id.left(19), i.version.isEmpty() ? QStringLiteral("?") : i.version,
                        Pairing::describeTime(i.created), i.tags.join(QLatin1Char(',')),
                        marks.join(QStringLiteral(", ")));
    }
    out << QStringLiteral("%1: database backups").arg(role);
    if (inv.backups.isEmpty())
        out << QStringLiteral("  none");
    for (const DiscoveredBackup& b : inv.backups)
        out << QStringLiteral("  %1  %2  %3")
                   .arg(Pairing::describeTime(b.time), size(b.size), b.path);
    for (const QString& note : inv.notes)
        out << QStringLiteral("  note: %1").arg(note);
    const RollbackPairing& p = history.pairing;
    out << (p.ok ? QStringLiteral("Proposed rollback: image %1 (%2) with backup %3")
                       .arg(p.imageId.left(19), p.version, p.backupPath)
            : p.ambiguous ? QStringLiteral("Proposed rollback: ambiguous")
                          : QStringLiteral("Proposed rollback: none"));
    out << QStringLiteral("  why: %1").arg(p.why);
    if (p.ok)
        out << QStringLiteral("  loses: %1").arg(p.loses);
    return out.join(QLatin1Char('\n'));
}

} // namespace myst
