#include "ui/widgets/HostForm.h"
#include "core/journal/RunNames.h"

#include "core/base/Background.h"
#include "core/host/Preflight.h"

#include "core/ssh/SshAgent.h"
#include "core/ssh/SshConfig.h"
#include "ui/widgets/PlainText.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

namespace myst {

HostForm::HostForm(const QString& role, const QString& title, QWidget* parent)
    : QGroupBox(title, parent), m_role(role)
{
    setObjectName(role + QStringLiteral("HostForm"));
    auto* form = new QFormLayout(this);
    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("hostLineEdit"));
    m_host->setPlaceholderText(tr("myst-prod.example.com, or an alias from ~/.ssh/config"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("portSpinBox"));
    m_port->setRange(1, 65535);
    m_port->setValue(22);
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("userLineEdit"));
    m_user->setPlaceholderText(tr("oracle"));
    // Every label is its field's buddy: without it a screen reader names all of them by the
    // group's title ("Production"), and no one can tell the host from the user.
    auto* address = new QHBoxLayout;
    address->addWidget(m_host, 3);
    auto* portLabel = new QLabel(tr("Port"), this);
    portLabel->setBuddy(m_port);
    address->addWidget(portLabel);
    address->addWidget(m_port);
    auto* userLabel = new QLabel(tr("User"), this);
    userLabel->setBuddy(m_user);
    address->addWidget(userLabel);
    address->addWidget(m_user, 1);
    auto* hostLabel = new QLabel(tr("Host"), this);
    hostLabel->setBuddy(m_host);
    form->addRow(hostLabel, address);
    m_route = new QLabel(this);
    m_route->setObjectName(QStringLiteral("routeLabel"));
    m_route->setWordWrap(true);
    plaintext::makePlain(m_route);
    m_route->setVisible(false);
    form->addRow(QString(), m_route);
    // The aliases of ~/.ssh/config, as `ssh <Tab>` would offer them.
    m_aliases = sshConfigAliases(); // read once: toJson() runs on every keystroke
    auto* aliases = new QCompleter(m_aliases, this);
    aliases->setCaseSensitivity(Qt::CaseInsensitive);
    m_host->setCompleter(aliases);

    m_auth = new QComboBox(this);
    m_auth->setObjectName(QStringLiteral("authComboBox"));
    m_auth->addItem(tr("Key file"), QStringLiteral("key"));
    m_auth->addItem(tr("ssh-agent"), QStringLiteral("agent"));
    if (!sshagent::supported()) { // Windows: offered, but not to be chosen, with the reason
        const int agent = m_auth->count() - 1;
        m_auth->setItemText(agent, tr("ssh-agent (not on Windows)"));
        m_auth->setItemData(agent, sshagent::whyNot(), Qt::ToolTipRole);
        m_auth->setItemData(agent, 0, Qt::UserRole - 1); // QStandardItemModel: not enabled
    }
    m_auth->addItem(tr("Password"), QStringLiteral("password"));
    m_identity = new QLineEdit(this);
    m_identity->setObjectName(QStringLiteral("identityLineEdit"));
    m_identity->setPlaceholderText(tr("~/.ssh/id_ed25519"));
    m_identity->setAccessibleName(tr("Key file")); // beside "Log in with", which names m_auth
    m_browse = new QPushButton(tr("Browse…"), this);
    m_browse->setAccessibleDescription(tr("Choose the private key file"));
    auto* auth = new QHBoxLayout;
    auth->addWidget(m_auth);
    auth->addWidget(m_identity, 1);
    auth->addWidget(m_browse);
    auto* authLabel = new QLabel(tr("Log in with"), this);
    authLabel->setBuddy(m_auth);
    form->addRow(authLabel, auth);

    m_secretLabel = new QLabel(tr("Passphrase"), this);
    m_secret = new QLineEdit(this);
    m_secretLabel->setBuddy(m_secret);
    m_secret->setObjectName(QStringLiteral("secretLineEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_remember = new QCheckBox(tr("Remember in the keychain"), this);
    m_remember->setObjectName(QStringLiteral("rememberCheckBox"));
    auto* secret = new QHBoxLayout;
    secret->addWidget(m_secret, 1);
    secret->addWidget(m_remember);
    form->addRow(m_secretLabel, secret);

    m_mystHome = new QLineEdit(QStringLiteral("/opt/myst-studio"), this);
    m_mystHome->setObjectName(QStringLiteral("mystHomeLineEdit"));
    form->addRow(tr("MyST home"), m_mystHome);
    m_consoleUrl = new QLineEdit(this);
    m_consoleUrl->setObjectName(QStringLiteral("consoleUrlLineEdit"));
    m_consoleUrl->setPlaceholderText(tr("https://myst-prod.example.com/"));
    form->addRow(tr("Console URL"), m_consoleUrl);

    m_test = new QPushButton(tr("Test connection"), this);
    m_test->setObjectName(QStringLiteral("testConnectionButton"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("connectionResultLabel"));
    m_result->setWordWrap(true);
    plaintext::makePlain(m_result);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* test = new QHBoxLayout;
    test->addWidget(m_test);
    test->addWidget(m_result, 1);
    form->addRow(QString(), test);

    connect(m_auth, &QComboBox::currentIndexChanged, this, &HostForm::updateAuthFields);
    connect(m_host, &QLineEdit::textChanged, this, &HostForm::updateRoute);
    connect(m_user, &QLineEdit::textChanged, this, &HostForm::updateRoute);
    connect(m_port, &QSpinBox::valueChanged, this, &HostForm::updateRoute);
    connect(m_test, &QPushButton::clicked, this, &HostForm::testConnection);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        // Opened, not run: no event loop of its own inside this slot.
        auto* dialog =
            new QFileDialog(this, tr("Private key"), QDir::homePath() + QStringLiteral("/.ssh"));
        dialog->setObjectName(QStringLiteral("identityFileDialog"));
        dialog->setFileMode(QFileDialog::ExistingFile);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, m_identity, &QLineEdit::setText);
        dialog->open();
    });
    updateAuthFields();
}

void HostForm::updateAuthFields()
{
    const QString kind = m_auth->currentData().toString();
    m_identity->setVisible(kind == AuthMethod::Key);
    m_browse->setVisible(kind == AuthMethod::Key);
    m_secretLabel->setText(kind == AuthMethod::Password ? tr("Password") : tr("Passphrase"));
    m_secret->setEnabled(kind != AuthMethod::Agent);
    m_secret->setPlaceholderText(kind == AuthMethod::Key ? tr("only if the key has one")
                                                         : QString());
    m_remember->setEnabled(kind != AuthMethod::Agent);
}

void HostForm::setHost(const SiteHost& host, const QJsonObject& source)
{
    m_source = source;
    m_portSet = host.endpoint.portSet;
    m_host->setText(host.endpoint.host);
    m_port->setValue(host.endpoint.port);
    m_user->setText(host.endpoint.user);
    m_identity->setText(host.endpoint.identityFile);
    m_auth->setCurrentIndex(qMax(0, m_auth->findData(host.auth)));
    m_mystHome->setText(host.mystHome);
    m_consoleUrl->setText(host.consoleUrl.toString());
    updateRoute();
}

void HostForm::updateRoute()
{
    QStringList errors;
    const Site site =
        Site::fromJson({{QStringLiteral("hosts"), QJsonObject{{m_role, editedInto(m_source)}}}},
                       QString(), &errors);
    const SshEndpoint endpoint = site.hosts.value(m_role).endpoint;
    if (m_host->text().trimmed().isEmpty() || (!endpoint.processConfig && endpoint.jumps.empty())) {
        m_route->setVisible(false);
        return;
    }
    QStringList notes;
    const SshEndpoint resolved = resolveEndpoint(endpoint, SshConfigFiles(), &notes);
    m_route->setText(
        tr("Connects to %1%2")
            .arg(describeRoute(resolved),
                 notes.isEmpty()
                     ? QString()
                     : QStringLiteral(" (") + notes.join(QStringLiteral("; ")) + QLatin1Char(')')));
    m_route->setVisible(true);
}

QJsonObject HostForm::toJson() const
{
    QJsonObject o{{QStringLiteral("host"), m_host->text().trimmed()},
                  {QStringLiteral("user"), m_user->text().trimmed()},
                  {QStringLiteral("auth"), m_auth->currentData().toString()},
                  {QStringLiteral("mystHome"), m_mystHome->text().trimmed()}};
    if (m_auth->currentData().toString() == AuthMethod::Key &&
        !m_identity->text().trimmed().isEmpty())
        o.insert(QStringLiteral("identity"), m_identity->text().trimmed());
    if (!m_consoleUrl->text().trimmed().isEmpty())
        o.insert(QStringLiteral("consoleUrl"), m_consoleUrl->text().trimmed());
    // A port the site never named stays unnamed while it is 22, so ~/.ssh/config's Port applies.
    if (m_portSet || m_port->value() != 22)
        o.insert(QStringLiteral("port"), m_port->value());
    // An alias of ~/.ssh/config means nothing without reading it.
    if (m_aliases.contains(m_host->text().trimmed()))
        o.insert(QStringLiteral("useSshConfig"), true);
    return o;
}

QJsonObject HostForm::editedInto(QJsonObject host) const
{
    const QJsonObject edited = toJson();
    for (const char* key : {"host", "port", "user", "auth", "mystHome", "identity", "consoleUrl"}) {
        const QString name = QLatin1String(key);
        if (edited.contains(name))
            host.insert(name, edited.value(name));
        else
            host.remove(name);
    }
    if (edited.contains(QStringLiteral("useSshConfig"))) // set by an alias, never unset here
        host.insert(QStringLiteral("useSshConfig"), true);
    return host;
}

SshAuth HostForm::auth() const
{
    SshAuth auth;
    const QString kind = m_auth->currentData().toString();
    auth.useAgent = kind != AuthMethod::Password;
    (kind == AuthMethod::Password ? auth.password : auth.passphrase) = m_secret->text();
    return auth;
}

bool HostForm::rememberSecret() const
{
    return m_remember->isChecked() && m_remember->isEnabled() && !m_secret->text().isEmpty();
}

QString HostForm::secret() const
{
    return m_secret->text();
}

void HostForm::setSecret(const QString& secret)
{
    m_secret->setText(secret);
    m_remember->setChecked(true);
}

QString HostForm::endpointId() const
{
    return QStringLiteral("%1@%2:%3")
        .arg(m_user->text().trimmed(), m_host->text().trimmed())
        .arg(m_port->value());
}

void HostForm::showResult(bool ok, const QString& text)
{
    m_result->setStyleSheet(ok ? QStringLiteral("color: #18781c;")
                               : QStringLiteral("color: #b21818;"));
    m_result->setText(text);
}

void HostForm::testConnection()
{
    probe(QString());
}

void HostForm::probe(const QString& trustedFingerprint)
{
    QStringList errors;
    QJsonObject hosts{{m_role, editedInto(m_source)}};
    const Site site = Site::fromJson(
        {{QStringLiteral("knownHosts"), m_knownHosts}, {QStringLiteral("hosts"), hosts}}, QString(),
        &errors);
    if (!errors.isEmpty()) {
        showResult(false, errors.join(QLatin1Char('\n')));
        emit probed(false);
        return;
    }
    const SiteHost host = site.hosts.value(m_role);
    const SshAuth auth = this->auth();
    m_test->setEnabled(false);
    m_result->setStyleSheet(QString());
    m_result->setText(tr("Connecting to %1…").arg(host.endpoint.id()));
    runInBackground<ProbeResult>(
        this,
        [host, auth, trustedFingerprint] { return probeHost(host, auth, trustedFingerprint); },
        [this](ProbeResult r) {
            m_test->setEnabled(true);
            if (r.status.error == SshError::HostKeyUnknown) {
                showResult(false, tr("Unknown host key %1").arg(r.status.fingerprint));
                askToTrust(r.status.hostId.isEmpty() ? endpointId() : r.status.hostId,
                           r.status.fingerprint, r.status.message);
                return;
            }
            if (!r.status.ok()) {
                showResult(false, r.status.message);
                emit probed(false);
                return;
            }
            m_version = r.version;
            showResult(
                r.error.isEmpty(),
                r.error.isEmpty()
                    ? tr("Connected. Running MyST Studio %1 (image %2)")
                          .arg(r.version.isEmpty() ? tr("of unknown version") : r.version,
                               r.imageId.left(19))
                    : tr("Connected, but the current image cannot be read: %1").arg(r.error));
            emit probed(r.error.isEmpty());
        });
}

void HostForm::askToTrust(const QString& hostId, const QString& fingerprint, const QString& message)
{
    // open(), not exec(): no nested event loop; the answer arrives as a signal.
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Unknown host key"),
        tr("The host %1 is not in your known hosts file.\n\nIts key fingerprint is\n\n%2\n\n"
           "Compare it with the one your administrator or the host shows "
           "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). Trust it only if they match.")
            .arg(hostId, fingerprint),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("hostKeyDialog"));
    box->setDetailedText(message);
    QPushButton* trust = box->addButton(tr("Trust and connect"), QMessageBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trustButton"));
    QPushButton* reject = box->addButton(tr("Reject"), QMessageBox::RejectRole);
    reject->setObjectName(QStringLiteral("rejectButton"));
    box->setDefaultButton(reject);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, trust, fingerprint] {
        if (box->clickedButton() == trust) {
            probe(fingerprint);
        } else {
            showResult(
                false,
                tr("Host key rejected; not connected. Nothing was added to the known hosts file."));
            emit probed(false);
        }
    });
    plaintext::makePlain(box);
    box->open();
}

} // namespace myst
