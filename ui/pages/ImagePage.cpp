#include "ImagePage.h"

#include "../UpgradeWizard.h"
#include "Validation.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>

namespace myst {

ImagePage::ImagePage()
{
    setTitle(tr("New version"));
    setSubTitle(tr("The MyST Studio version to upgrade to. The host pulls it with pull.sh from the "
                   "MyST registry."));
    m_version = new QLineEdit(this);
    m_version->setObjectName(QStringLiteral("versionLineEdit"));
    m_version->setPlaceholderText(tr("for example 7.2.0.1"));
    m_version->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9A-Za-z][0-9A-Za-z._-]{0,127}")), m_version));
    m_current = new QLabel(this);
    m_current->setObjectName(QStringLiteral("currentVersionLabel"));
    auto* offline = new QLabel(
        tr("<i>Offline upgrade from an image tarball comes in a later version.</i>"), this);
    auto* layout = new QFormLayout(this);
    layout->addRow(tr("Currently running"), m_current);
    layout->addRow(tr("Upgrade to &version"), m_version);
    layout->addRow(QString(), offline);
    registerField(QStringLiteral("version*"), m_version);
}

void ImagePage::initializePage()
{
    const QString current = wizardOf(this)->state().currentVersion;
    m_current->setText(current.isEmpty() ? tr("unknown (use Test connection on the Hosts page)")
                                         : current);
}

bool ImagePage::validatePage()
{
    return isValidVersion(m_version->text());
}

} // namespace myst
