#include "ui/pages/ImagePage.h"

#include "core/base/Background.h"
#include "core/base/Validation.h"
#include "core/host/ImageArchive.h"
#include "core/host/Preflight.h"
#include "core/journal/RunNames.h"
#include "ui/widgets/ImageDropZone.h"
#include "ui/widgets/PlainText.h"
#include "ui/wizard/Roles.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace myst {

ImagePage::ImagePage()
{
    setTitle(tr("New version"));
    setSubTitle(tr("The MyST Studio version to upgrade to: pulled by the host with pull.sh from "
                   "the MyST registry, or, for a host without internet, from an image archive "
                   "on this computer."));
    m_version = new QLineEdit(this);
    m_version->setObjectName(QStringLiteral("versionLineEdit"));
    m_version->setPlaceholderText(tr("for example 7.2.0.1"));
    m_version->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[0-9A-Za-z][0-9A-Za-z._-]{0,127}")), m_version));
    m_current = new QLabel(this);
    m_current->setObjectName(QStringLiteral("currentVersionLabel"));
    plaintext::makePlain(m_current);
    m_dropZone = new ImageDropZone(this);
    m_archiveDetails = new QLabel(this);
    m_archiveDetails->setObjectName(QStringLiteral("archiveDetailsLabel"));
    m_archiveDetails->setWordWrap(true);
    m_archiveDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_clear = new QPushButton(tr("Pull from the registry instead"), this);
    m_clear->setObjectName(QStringLiteral("clearArchiveButton"));
    m_clear->hide();
    m_clear->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    // The rows at the top, the room that is left below them: a form alone hands it to its
    // labels, which then float in the middle of tall rows (the running version, the details).
    auto* page = new QVBoxLayout(this);
    auto* layout = new QFormLayout;
    page->addLayout(layout);
    page->addStretch(1);
    layout->addRow(tr("Currently running:"), m_current);
    layout->addRow(tr("Upgrade to &version:"), m_version);
    layout->addRow(tr("Offline image:"), m_dropZone);
    layout->addRow(QString(), m_archiveDetails);
    layout->addRow(QString(), m_clear);
    registerField(QStringLiteral("version*"), m_version);
    connect(m_dropZone, &ImageDropZone::fileChosen, this, &ImagePage::readArchive);
    connect(m_clear, &QPushButton::clicked, this, &ImagePage::clearArchive);
}

void ImagePage::initializePage()
{
    const QString current = wizardOf(this)->state().currentVersion;
    if (current.isEmpty())
        readCurrentVersion(); // Test connection was not pressed: the page asks the host itself
    else
        m_current->setText(tr("MyST Studio %1").arg(current));
}

void ImagePage::readCurrentVersion()
{
    // The host this upgrade changes in place: production, or blue/green's active instance (the
    // one whose version the Hosts page reads too).
    const WizardState& state = wizardOf(this)->state();
    const QString role = state.approach != Approach::ZeroDowntime      ? Roles::Prod
                         : state.site.blueGreen.active == Roles::Green ? Roles::Green
                                                                       : Roles::Blue;
    if (!state.site.hosts.contains(role)) {
        m_current->setText(tr("unknown: the site has no host %1").arg(role));
        return;
    }
    const SiteHost host = state.site.hosts.value(role);
    const SshAuth auth = state.auth.value(role);
    const int serial = ++m_probeSerial;
    m_current->setText(tr("Reading it from %1 (%2)…").arg(role, host.endpoint.id()));
    // Connecting and asking docker takes seconds, and longer on a slow link: never on the GUI
    // thread. A key the known hosts file lacks is not trusted here (Test connection asks).
    runInBackground<ProbeResult>(
        this, [host, auth] { return probeHost(host, auth, QString()); },
        [this, serial, role](ProbeResult r) {
            if (serial != m_probeSerial)
                return;
            if (!r.status.ok() || !r.error.isEmpty()) {
                m_current->setText(tr("unknown: %1 could not be asked (%2). The pre-flight checks "
                                      "on the next page ask again and say what to fix.")
                                       .arg(role, r.status.ok() ? r.error : r.status.message));
                return;
            }
            wizardOf(this)->state().currentVersion = r.version;
            m_current->setText(r.version.isEmpty()
                                   ? tr("MyST Studio of unknown version on %1 (image %2)")
                                         .arg(role, r.imageId.left(19))
                                   : tr("MyST Studio %1 on %2 (image %3)")
                                         .arg(r.version, role, r.imageId.left(19)));
        });
}

void ImagePage::readArchive(const QString& path)
{
    // A multi-GB gzip archive takes seconds to read: never on the GUI thread.
    m_reading = true;
    const int serial = ++m_readSerial;
    m_archiveDetails->setStyleSheet(QString());
    m_archiveDetails->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    emit completeChanged();
    runInBackground<ImageArchive>(
        this, [path] { return ImageArchive::read(QFileInfo(path).absoluteFilePath()); },
        [this, serial](ImageArchive archive) {
            if (serial != m_readSerial)
                return;
            m_reading = false;
            showArchive(archive);
            emit completeChanged();
        });
}

void ImagePage::showArchive(const ImageArchive& archive)
{
    WizardState& state = wizardOf(this)->state();
    const QString name = QFileInfo(archive.path).fileName();
    if (!archive.ok || !isValidImageId(archive.imageId)) {
        state.offlineImage = {};
        m_version->setReadOnly(false);
        m_clear->hide();
        m_archiveDetails->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_archiveDetails->setText(tr("%1 cannot be used: %2").arg(name, archive.error));
        return;
    }
    const OfflineImage image = OfflineImage::from(archive);
    QString version;
    QString error;
    if (!offlineVersion(image, QString(), &version, &error)) {
        state.offlineImage = {};
        m_archiveDetails->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_archiveDetails->setText(tr("%1 cannot be used: %2").arg(name, error));
        return;
    }
    state.offlineImage = image;
    state.offlineImage.version = version;
    m_version->setText(version);
    m_version->setReadOnly(true); // the archive decides the version
    m_clear->show();
    m_archiveDetails->setStyleSheet(QString());
    m_archiveDetails->setText(
        tr("<b>%1</b><br>Tags: %2<br>Version: MyST Studio %3<br>Image ID: %4<br>%5 layers, %6. "
           "It will be uploaded to the host (resumable, checksum verified), loaded and tagged "
           "myst-studio in place of pull.sh.")
            .arg(name.toHtmlEscaped(),
                 archive.repoTags.isEmpty()
                     ? tr("(none)")
                     : archive.repoTags.join(QStringLiteral(", ")).toHtmlEscaped(),
                 version.toHtmlEscaped(), archive.imageId.left(19))
            .arg(archive.layers)
            .arg(QLocale().formattedDataSize(archive.size)));
}

void ImagePage::clearArchive()
{
    wizardOf(this)->state().offlineImage = {};
    m_version->setReadOnly(false);
    m_version->clear();
    m_archiveDetails->clear();
    m_clear->hide();
    emit completeChanged();
}

bool ImagePage::isComplete() const
{
    return !m_reading && QWizardPage::isComplete();
}

bool ImagePage::validatePage()
{
    return !m_reading && isValidVersion(m_version->text());
}

} // namespace myst
