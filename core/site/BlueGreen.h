#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace myst {

struct Site;

// The site's "blueGreen" block (the guide's zero-downtime upgrade): two instances with roles
// "blue" and "green", the one that serves now ("active"), whether the active one is made
// read-only while its backup is taken, how traffic is switched, and the public URL that shows
// which instance serves. No secrets.
struct BlueGreen
{
    bool set = false; // the site has the block
    QString active;   // "blue" or "green"
    bool readOnly = true;
    // The longest the active instance stays read-only: the window's holder on the host ends it
    // by itself after this, so that a vanished laptop does not leave production refusing
    // writes; a run that finds it ended so stops before the switch (writes since are not in
    // the idle instance's copy).
    int readOnlyMaxSeconds = 900;
    // Switch: "manual" (the operator changes DNS, the wizard waits at a gate; the CLI needs
    // --switched), or a program on this computer, argument by argument, with {role} and {host}
    // replaced by the new active instance's; run without a shell.
    bool manualSwitch = true;
    QStringList switchCommand;
    QUrl serviceUrl; // optional: fetched from this computer until it shows the new version
    int switchTimeoutSeconds = 600; // how long serviceUrl may take to show it (DNS TTLs)

    static BlueGreen fromJson(const QJsonValue& value, QStringList* errors);
    // The block as it is now, over what the file had (unknown keys kept).
    QJsonObject toJson(QJsonObject source) const;

    // The instance that is not active.
    QString idle() const { return otherRole(active); }
    static QString otherRole(const QString& role);
    static bool isRole(const QString& role);
    // argv of the switch command for the new active instance.
    QStringList switchArgv(const QString& role, const QString& host) const;
    // What the operator changes by hand, in words (manual switch).
    QString manualInstructions(const Site& site, const QString& toRole) const;
};

} // namespace myst
