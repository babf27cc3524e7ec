#pragma once

#include "core/session/HostHistory.h"

#include <QJsonObject>
#include <QString>

namespace myst {

// `myst-upgrade history` as text for a person and as one JSON event, from the same facts.
QString historyText(const QString& role, const HostHistory& history);
QJsonObject historyJson(const QString& role, const HostHistory& history);
QJsonObject pairingJson(const RollbackPairing& pairing);

} // namespace myst
