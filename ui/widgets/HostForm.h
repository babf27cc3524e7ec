#pragma once

#include "core/site/Site.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace myst {

// One host of the site (production, non-production): where it is, how to log in, where MyST
// lives, and a Test connection button that works on a worker thread. An unknown host key is a
// question (the SHA256 fingerprint, trust or reject); a changed key is an error, never asked.
class HostForm : public QGroupBox
{
    Q_OBJECT
public:
    HostForm(const QString& role, const QString& title, QWidget* parent = nullptr);

    // `source`: the host's object in the site file, so that what the form does not show (a
    // jump host, useSshConfig) is kept and used when testing the connection.
    void setHost(const SiteHost& host, const QJsonObject& source = {});
    QJsonObject toJson() const; // the site file's host object (no secrets)
    // `host` with the fields this form shows set as the form has them (an empty field removes
    // its key); every other field of `host` is kept as it was.
    QJsonObject editedInto(QJsonObject host) const;
    SshAuth auth() const; // the secret typed in, for this session only
    bool rememberSecret() const;
    QString secret() const;
    QString endpointId() const;
    void setKnownHostsFile(const QString& file) { m_knownHosts = file; }
    void setSecret(const QString& secret);
    QString role() const { return m_role; }
    QString lastVersion() const { return m_version; }

signals:
    void probed(bool ok);

public slots:
    void testConnection();

private:
    void probe(const QString& trustedFingerprint);
    void askToTrust(const QString& hostId, const QString& fingerprint, const QString& message);
    void updateRoute();
    void showResult(bool ok, const QString& text);
    void updateAuthFields();

    QString m_role;
    QString m_knownHosts;
    QString m_version;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_user;
    QComboBox* m_auth;
    QLineEdit* m_identity;
    QPushButton* m_browse;
    QLabel* m_secretLabel;
    QLineEdit* m_secret;
    QCheckBox* m_remember;
    QLineEdit* m_mystHome;
    QLineEdit* m_consoleUrl;
    QPushButton* m_test;
    QLabel* m_result;
    QLabel* m_route; // what an ssh-config alias or a jump host resolves to
    QJsonObject m_source;
    QStringList m_aliases; // of ~/.ssh/config, as the form was made
    bool m_portSet = true;
};

} // namespace myst
