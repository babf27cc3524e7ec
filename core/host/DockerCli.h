#pragma once

#include "core/host/OutputParsers.h"
#include "core/site/Site.h"
#include "core/ssh/HostSession.h"

#include <QStringList>

#include <optional>

namespace myst {

// The one place that builds docker command lines and reads their answers, so that what is
// true of docker on a host (the image tag MyST Studio runs; `sudo -n` where the site says the
// login user reaches docker only through sudo) is decided once.
namespace DockerCli {

inline const QString Tag = QStringLiteral("myst-studio"); // the tag the guide's scripts run

QStringList command(const SiteHost& host, const QStringList& args); // [sudo -n] docker ARGS…
QStringList inspect(const SiteHost& host, const QString& image);    // … image inspect IMAGE
QStringList tag(const SiteHost& host, const QString& image, const QString& as = Tag);
QStringList load(const SiteHost& host, const QString& archive);
// The database container's read-only window (blue/green), held for every account: on starts
// the holder inside the container (core/host/ReadOnlyScripts.h: a mysql session that keeps
// FLUSH TABLES WITH READ LOCK and read_only = ON until told to release, or for at most
// maxSeconds), probes a write as root and as the application's account, and prints
// @@global.read_only last (1); off releases it the same way (0). With the container's own
// credentials: docker exec myststudio_db sh -c SCRIPT myst-readonly [MAX]; the password
// reaches mysql in its environment, not on its command line, where every user of the host
// would see it in ps.
QStringList dbReadOnly(const SiteHost& host, bool on, int maxSeconds = 900);
// The same client, only reading @@global.read_only (1 or 0): does the container answer, with
// its own credentials, and is it writable now.
QStringList dbReadOnlyQuery(const SiteHost& host);
inline const QString DbContainer = QStringLiteral("myststudio_db");
// Whether argv is a docker command as command() makes it (for a journal's values).
bool isDockerCommand(const QStringList& argv);

struct Inspected
{
    std::optional<ImageInfo> image; // empty: not there, or an answer that is not an image
    QString error;                  // why, in the host's words where it said something
};
// `docker image inspect IMAGE` on the host, parsed.
Inspected inspectImage(HostSession& session, const SiteHost& host, const QString& image = Tag);

} // namespace DockerCli

} // namespace myst
