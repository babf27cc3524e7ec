#include "ui/wizard/Roles.h"

#include <QCoreApplication>

namespace myst::Roles {

QString title(const QString& role)
{
    if (role == Prod)
        return QCoreApplication::translate("Roles", "Production");
    if (role == Nonprod)
        return QCoreApplication::translate("Roles", "Non-production");
    if (role == Blue)
        return QCoreApplication::translate("Roles", "Blue");
    if (role == Green)
        return QCoreApplication::translate("Roles", "Green");
    return role;
}

QString noun(const QString& role)
{
    if (role == Prod)
        return QCoreApplication::translate("Roles", "production");
    if (role == Nonprod)
        return QCoreApplication::translate("Roles", "non-production");
    return role;
}

} // namespace myst::Roles
