#pragma once

#include "core/host/OutputParsers.h"
#include "core/ssh/HostSession.h"

#include <QStringList>

#include <optional>

namespace myst {

// The one place that builds docker command lines and reads their answers, so that what is
// true of docker on a host (the image tag MyST Studio runs, and in time sudo and framed
// output) is decided once.
namespace DockerCli {

inline const QString Tag = QStringLiteral("myst-studio"); // the tag the guide's scripts run

QStringList command(const QStringList& args); // docker ARGS…
QStringList inspect(const QString& image);    // docker image inspect IMAGE
QStringList tag(const QString& image, const QString& as = Tag);
QStringList load(const QString& archive);

struct Inspected
{
    std::optional<ImageInfo> image; // empty: not there, or an answer that is not an image
    QString error;                  // why, in the host's words where it said something
};
// `docker image inspect IMAGE` on the host, parsed.
Inspected inspectImage(HostSession& host, const QString& image = Tag);

} // namespace DockerCli

} // namespace myst
