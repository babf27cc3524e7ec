#pragma once

#include "core/host/HostRunRecord.h"
#include "core/ssh/HostSession.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace myst {

// The host records (HostRunRecord) on a MyST host: <MyST home>/.myst-upgrade/records/, next to
// the step folders of runs/ but apart from them, so that HostRetention's pruning of runs/ never
// takes a record that a rollback may still need. The folder keeps the newest KeepRecords
// records (run IDs sort by their start time); older ones go when a newer one is written.
namespace HostRecordStore {

inline constexpr int KeepRecords = 30;

QString directory(const QString& mystHome);

// Writes the record atomically: a temporary file in the same folder (mktemp: 0600), then mv
// over the old one; the folder is made 0700. False with the reason (the run goes on: the
// laptop's journal still has it all).
bool write(HostSession& session, const QString& mystHome, const HostRunRecord& record,
           QString* error);

struct ReadResult
{
    bool ok = false;
    QString error;                // the host could not be read at all
    QList<HostRunRecord> records; // newest first
    QStringList refused;          // "<file>: why", for records that fail validation
};
// Every record of the host, each checked (HostRunRecord::fromJson).
ReadResult readAll(HostSession& session, const QString& mystHome, const QString& backupFolder);

// The record a rollback from the host undoes: `runId`, else the newest upgrade that can be
// rolled back. Null with the reason.
const HostRunRecord* pick(const QList<HostRunRecord>& records, const QString& runId,
                          QString* error);

// The succeeded rollback that undid run `runId`, the newest if several: null when none did.
const HostRunRecord* undoneBy(const QList<HostRunRecord>& records, const QString& runId);

} // namespace HostRecordStore

} // namespace myst
