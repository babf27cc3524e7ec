#pragma once

#include <QJsonValue>

#include "core/site/Site.h"
#include "core/ssh/SshConnection.h"

#include <QList>

namespace myst {

enum class CheckLevel
{
    Pass,
    Warn,
    Fail
};

// A change to this host's entry in the site file that would make a failed check pass, for the
// operator to accept or not (the wizard offers it as a button, as it offers an unknown host
// key): pin the console certificate that was seen, use sudo for docker.
struct SiteFix
{
    QString key; // in hosts.<role>
    QJsonValue value;
    QString label; // what accepting it does, for a button
    bool isSet() const { return !key.isEmpty(); }
};

struct CheckItem
{
    QString role;
    QString name;
    CheckLevel level = CheckLevel::Pass;
    QString message;
    SiteFix fix;
};

struct PreflightResult
{
    QList<CheckItem> items;
    SshStatus connection; // when the host could not be reached
    bool passed() const;
};

// The `check` of DESIGN §2 for one host: connects, finds every script of the guide and that it
// is executable, runs docker and records the current image, checks free disk in the MyST home,
// reaches the console. Read-only. Blocking: call on a worker thread.
PreflightResult runPreflight(const SiteHost& host, const RunSettings& settings,
                             const SshAuth& auth);

QString checkLevelName(CheckLevel level);

// "Test connection": connects (trusting an unknown key only if its fingerprint is given) and
// reads the image in use. Blocking: call on a worker thread.
struct ProbeResult
{
    SshStatus status;
    QString imageId;
    QString version;
    QString error; // connected, but docker could not tell
};
ProbeResult probeHost(const SiteHost& host, const SshAuth& auth, const QString& trustedFingerprint);

} // namespace myst
