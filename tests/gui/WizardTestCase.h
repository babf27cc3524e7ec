#pragma once

#include "tests/common/HostSim.h"
#include "ui/wizard/UpgradeWizard.h"

#include <functional>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTemporaryDir>

class QAbstractButton;
class QInputDialog;
class QWidget;

// Changes the site file for one test and puts it back as it was afterwards.
class SiteFileEdit
{
public:
    SiteFileEdit(const QString& path, const std::function<void(QJsonObject&)>& change)
        : m_path(path), m_original(HostSim::readFile(path))
    {
        QJsonObject site = QJsonDocument::fromJson(m_original).object();
        change(site);
        write(QJsonDocument(site).toJson());
    }
    ~SiteFileEdit() { write(m_original); }

private:
    void write(const QByteArray& bytes) const
    {
        QFile file(m_path);
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
    }
    QString m_path;
    QByteArray m_original;
};

// Set in the environment of a TestWizard that interruptAnUpgrade starts, and kills, as the
// operator's own wizard: the version to upgrade to, and the site file.
inline constexpr char kWizardToKill[] = "MYST_TEST_WIZARD_TO_KILL";
inline constexpr char kWizardSite[] = "MYST_TEST_WIZARD_SITE";

// What crashes in interruptAnUpgrade: the CLI, or the operator's wizard itself.
enum class Crashing
{
    Cli,
    Wizard
};

// What the wizard tests share: the simulated MyST host (real sshd) they all run against, and
// the operator's gestures (click, walk the pages, crash a run, roll back). Every page's picture
// goes to build/artifacts/gui/.
class WizardTestCase : public QObject
{
    Q_OBJECT
protected:
    HostSim* m_sim = nullptr;
    QTemporaryDir m_state;
    QString m_shots;

    void shot(QWidget* w, const QString& name);
    static void click(QAbstractButton* button);

    template <typename T> static T* child(QWidget* w, const char* name)
    {
        T* found = w->findChild<T*>(QLatin1String(name));
        if (!found)
            qWarning("no %s", name);
        return found;
    }

    static QString consoleOf(const HostSim& sim, const QString& role);
    QString console() const { return consoleOf(*m_sim, QStringLiteral("prod")); }
    // The production host's group box: with phased there are two forms with the same fields.
    static QWidget* prodForm(QWidget* w);
    // Start → Approach → Hosts → Image → Pre-flight → Run, ready to click "Start upgrade".
    void walkToPreflight(myst::UpgradeWizard& w, const QString& version, bool shots);
    // Drops a file on the Image page's drop zone, as a file manager would.
    static void dropFile(QWidget* zone, const QString& path);
    // Killed (SIGKILL) while stop.sh runs, as a crashed laptop would leave a run.
    void interruptAnUpgrade(const QString& version, Crashing what = Crashing::Cli);
    // Start page → Roll back… → confirm: two clicks, nothing typed; then the rollback runs.
    void rollBackTheInterruptedRun(myst::UpgradeWizard& w);
    // Stores (or, with an empty secret, removes) a keychain entry and waits for it.
    static bool keychain(const QString& key, const QString& secret);
    // The rollback of the run that went to `version`, chosen on the Start page.
    static void chooseRollbackOf(myst::UpgradeWizard& w, const QString& version);
    // Rolls back that run with a host whose passphrase nobody gave: up to the dialog asking.
    static void rollbackUntilAsked(myst::UpgradeWizard& w, const QString& version,
                                   QInputDialog** dialog);
};
