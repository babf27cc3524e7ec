#include "ui/run/HostSecrets.h"

#include "ui/run/RunDialogs.h"

#include "core/site/SecretLoader.h"

#include <QPointer>
#include <QWidget>

namespace myst {

HostSecrets::HostSecrets(const Site& site, const QStringList& roles, QWidget* dialogParent)
    : QObject(dialogParent), m_site(site), m_roles(roles), m_dialogParent(dialogParent)
{
}

void HostSecrets::start()
{
    readSecrets(m_site, m_roles, this, [this](const SecretsResult& secrets) {
        for (auto it = secrets.auth.begin(); it != secrets.auth.end(); ++it) {
            if (!secrets.missing.contains(it.key()))
                m_auth.insert(it.key(), it.value());
        }
        ask(secrets.missing);
    });
}

void HostSecrets::ask(QStringList roles)
{
    if (roles.isEmpty()) {
        emit ready(m_auth);
        return;
    }
    const QString role = roles.takeFirst();
    const SiteHost host = m_site.hosts.value(role);
    QPointer<HostSecrets> self(this);
    RunDialogs::askSecret(m_dialogParent, role, host,
                          [self, role, roles, host](bool given, const QString& secret) {
                              if (!self)
                                  return;
                              if (!given) {
                                  emit self->declined(role);
                                  return;
                              }
                              self->m_auth.insert(role, authWithSecret(host, secret));
                              self->ask(roles);
                          });
}

} // namespace myst
