#pragma once

#include "core/site/Site.h"
#include "core/ssh/SshConnection.h"

#include <QMap>
#include <QObject>
#include <QStringList>

class QWidget;

namespace myst {

// The secrets of hosts no page asked about (Continue and a rollback from the Start page skip
// the Hosts page): read from the keychain, and asked for, one dialog per host, when it holds
// none; never taken from nowhere. Deleting it drops whatever is still to come, so that a run
// started meanwhile is not handed another's answers.
class HostSecrets : public QObject
{
    Q_OBJECT
public:
    HostSecrets(const Site& site, const QStringList& roles, QWidget* dialogParent);
    void start();

signals:
    void ready(const QMap<QString, myst::SshAuth>& auth); // for every role asked about
    void declined(const QString& role);

private:
    void ask(QStringList roles);

    Site m_site;
    QStringList m_roles;
    QWidget* m_dialogParent;
    QMap<QString, SshAuth> m_auth;
};

} // namespace myst
