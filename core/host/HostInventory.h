#pragma once

#include "core/host/HostRecordStore.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace myst {

// A MyST Studio image as docker on the host has it.
struct DiscoveredImage
{
    QString id; // sha256:…
    QStringList tags;
    QString version; // label or versioned tag; empty when it cannot be told
    QDateTime created;
    bool tagged = false;        // myst-studio points at it
    bool running = false;       // a running container uses it
    QDateTime containerCreated; // when that container was made from it: its first start
};

// A database backup in the host's backup folder (SiteHost::backupFolder).
struct DiscoveredBackup
{
    QString path;
    qint64 size = 0;
    QDateTime time; // modification time
};

// What a host knows that a rollback can use: its records (HostRecordStore), MyST Studio images
// and database backups. Read in one SSH command: `docker image ls --no-trunc --quiet` and
// `docker image inspect` of those (docker's JSON: the engine's own tags and labels),
// `docker ps --no-trunc --quiet`, `docker container inspect --format …` of those, and stat of
// the backup folder's files (docker through DockerCli, so with sudo -n where the site says so).
// Host text is never a line of the protocol: each marker carries a nonce of this read, and a
// backup's name comes as hex; a name with control or unusual characters is skipped, and said.
struct HostInventory
{
    bool ok = false;
    QString error;
    HostRecordStore::ReadResult records;
    QList<DiscoveredImage> images;   // newest created first
    QList<DiscoveredBackup> backups; // newest first
    QStringList notes;               // what could not be read, in the host's words

    const DiscoveredImage* image(const QString& id) const;
    const DiscoveredImage* tagged() const;
    const DiscoveredBackup* backup(const QString& path) const;

    static HostInventory read(HostSession& session, const SiteHost& host);
    // The script's output, parsed (for tests without a host): only lines marked with `nonce`
    // count; a backup must lie right in `backupFolder` (when given).
    static HostInventory parse(const QStringList& lines, const QString& nonce,
                               const QString& backupFolder = {});
    static QString newNonce(); // 16 hex digits
};

} // namespace myst
