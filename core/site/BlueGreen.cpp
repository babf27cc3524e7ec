#include "core/site/BlueGreen.h"

#include "core/base/Validation.h"
#include "core/site/Site.h"

#include <QJsonArray>

namespace myst {

namespace {
const QString Blue = QStringLiteral("blue");
const QString Green = QStringLiteral("green");
} // namespace

QString BlueGreen::otherRole(const QString& role)
{
    return role == Blue ? Green : role == Green ? Blue : QString();
}

bool BlueGreen::isRole(const QString& role)
{
    return role == Blue || role == Green;
}

BlueGreen BlueGreen::fromJson(const QJsonValue& value, QStringList* errors)
{
    BlueGreen bg;
    if (value.isUndefined() || value.isNull())
        return bg;
    if (!value.isObject()) {
        *errors << QStringLiteral("blueGreen must be an object: {\"active\": \"blue\", …}");
        return bg;
    }
    const QJsonObject o = value.toObject();
    bg.set = true;
    bg.active = o.value(QStringLiteral("active")).toString(Blue);
    if (!isRole(bg.active))
        *errors << QStringLiteral("blueGreen.active must be \"blue\" or \"green\"");
    const QJsonValue readOnly = o.value(QStringLiteral("readOnly"));
    if (!readOnly.isUndefined() && !readOnly.isBool())
        *errors << QStringLiteral("blueGreen.readOnly must be true or false");
    bg.readOnly = readOnly.toBool(true);
    const QJsonValue maxRo = o.value(QStringLiteral("readOnlyMaxSeconds"));
    if (!maxRo.isUndefined()) {
        if (!maxRo.isDouble() || maxRo.toDouble() != maxRo.toInt() || maxRo.toInt() <= 0)
            *errors << QStringLiteral("blueGreen.readOnlyMaxSeconds must be a positive number of "
                                      "seconds");
        else
            bg.readOnlyMaxSeconds = maxRo.toInt();
    }
    const QJsonValue sw = o.value(QStringLiteral("switch"));
    if (sw.isUndefined() || sw.toString() == QLatin1String("manual")) {
        bg.manualSwitch = true;
    } else if (sw.isObject() && sw.toObject().value(QStringLiteral("command")).isArray()) {
        bg.manualSwitch = false;
        for (const QJsonValue& a : sw.toObject().value(QStringLiteral("command")).toArray())
            bg.switchCommand << a.toString();
        // A program by absolute path: nothing is looked up on PATH, no shell reads it.
        if (bg.switchCommand.isEmpty() || !isLocalProgramPath(bg.switchCommand.first()))
            *errors << QStringLiteral("blueGreen.switch.command must start with the switch "
                                      "program's absolute path");
    } else {
        *errors << QStringLiteral("blueGreen.switch must be \"manual\" or {\"command\": "
                                  "[\"/path/to/switch-dns\", \"{role}\", \"{host}\"]}");
    }
    const QString url = o.value(QStringLiteral("serviceUrl")).toString();
    if (!url.isEmpty()) {
        bg.serviceUrl = QUrl(url, QUrl::StrictMode);
        if (!bg.serviceUrl.isValid() || (bg.serviceUrl.scheme() != QLatin1String("http") &&
                                         bg.serviceUrl.scheme() != QLatin1String("https")))
            *errors << QStringLiteral("blueGreen.serviceUrl must be an http(s) URL");
    }
    const QJsonValue timeout = o.value(QStringLiteral("switchTimeoutSeconds"));
    if (!timeout.isUndefined()) {
        if (!timeout.isDouble() || timeout.toInt() <= 0)
            *errors << QStringLiteral("blueGreen.switchTimeoutSeconds must be a positive number");
        else
            bg.switchTimeoutSeconds = timeout.toInt();
    }
    return bg;
}

QJsonObject BlueGreen::toJson(QJsonObject o) const
{
    o.insert(QStringLiteral("active"), active);
    return o; // everything else is only ever edited in the file
}

QStringList BlueGreen::switchArgv(const QString& role, const QString& host) const
{
    QStringList argv;
    for (QString a : switchCommand) {
        a.replace(QStringLiteral("{role}"), role);
        a.replace(QStringLiteral("{host}"), host);
        argv << a;
    }
    return argv;
}

QString BlueGreen::manualInstructions(const Site& site, const QString& toRole) const
{
    const QString from = otherRole(toRole);
    const QString toHost = site.hosts.value(toRole).endpoint.host;
    const QString fromHost = site.hosts.value(from).endpoint.host;
    const QString name =
        serviceUrl.isEmpty() ? QStringLiteral("the service's DNS name") : serviceUrl.host();
    return QStringLiteral("Point %1 at %2 (%3) instead of %4 (%5): change its DNS record (or "
                          "the load balancer's target) to %3.")
        .arg(name, toRole, toHost, from, fromHost);
}

} // namespace myst
