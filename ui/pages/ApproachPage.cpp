#include "ui/pages/ApproachPage.h"

#include "core/journal/RunNames.h"
#include "ui/wizard/UpgradeWizard.h"

#include <QCheckBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace myst {

namespace {
// From the vendor's upgrade guide ("Upgrade Approaches").
const char* const InPlace = QT_TRANSLATE_NOOP(
    "ApproachPage",
    "<h3>In-place upgrade</h3><p>A single instance is upgraded in place: record the current image, "
    "pull the new one, back up the database, stop, start (the web instance upgrades the database "
    "on "
    "boot), verify.</p><p><b>Expected outage:</b> about 2 to 5 minutes, measured by the wizard "
    "from "
    "stop to verified.</p><p><b>Pros</b></p><ul><li>Simple to set up</li><li>No need to manage the "
    "migration of data between instances</li></ul><p><b>Cons</b></p><ul><li>Requires an outage to "
    "perform an upgrade</li><li>No way to test an upgrade prior to applying it</li></ul>");
const char* const Phased = QT_TRANSLATE_NOOP(
    "ApproachPage",
    "<h3>Phased upgrade</h3><p>The upgrade is first tested on a non-production instance "
    "(optionally "
    "with a copy of production's data), then applied to production.</p><p><b>Expected outage:</b> "
    "the same as in-place, on production only.</p><p><b>Pros</b></p><ul><li>Allows an upgrade to "
    "be "
    "tested before introducing it to production</li><li>Provides a sandbox for testing "
    "configuration"
    "</li></ul><p><b>Cons</b></p><ul><li>Requires an outage to perform an upgrade</li><li>Without "
    "production's data it may not be an accurate verification</li><li>More complex to set "
    "up</li></ul>"
    "");
const char* const ZeroDowntime = QT_TRANSLATE_NOOP(
    "ApproachPage",
    "<h3>Zero-downtime (blue/green)</h3><p>Two instances side by side: the idle one is upgraded "
    "with the active one's data while the active one serves, verified, then traffic (DNS) is "
    "switched to it. The next upgrade goes the other way.</p><p><b>Expected outage:</b> none. "
    "While the active instance's backup is taken it is <b>read-only</b> (writes refused); the "
    "wizard measures that window and always makes it writable again.</p><p><b>What is lost:</b> "
    "changes made on the active instance after its backup are not on the upgraded one.</p>"
    "<p><b>Rollback:</b> switch back to the previous instance (one button).</p>");
} // namespace

ApproachPage::ApproachPage()
{
    setTitle(tr("Choose an approach"));
    setSubTitle(tr("Less downtime generally means more complexity. Choose what fits your "
                   "availability requirements."));
    m_inPlace = new QRadioButton(tr("&In-place upgrade"), this);
    m_inPlace->setObjectName(QStringLiteral("inPlaceRadio"));
    m_inPlace->setChecked(true);
    m_phased = new QRadioButton(tr("&Phased: non-production first, then production"), this);
    m_phased->setObjectName(QStringLiteral("phasedRadio"));
    m_zeroDowntime = new QRadioButton(tr("&Zero-downtime blue/green: the idle instance, then "
                                         "switch traffic to it"),
                                      this);
    m_zeroDowntime->setObjectName(QStringLiteral("zeroDowntimeRadio"));
    // Why zero-downtime cannot be chosen, under it: a tooltip alone is seen by no one at 2 a.m.
    m_zeroDowntimeWhy = new QLabel(this);
    m_zeroDowntimeWhy->setObjectName(QStringLiteral("zeroDowntimeWhyLabel"));
    m_zeroDowntimeWhy->setWordWrap(true);
    m_zeroDowntimeWhy->setIndent(24);
    m_zeroDowntimeWhy->setEnabled(false); // drawn as the disabled choice it explains
    m_copyData = new QCheckBox(
        tr("&Copy production's data to non-production first (recommended: the test then "
           "runs on the same data)"),
        this);
    m_copyData->setObjectName(QStringLiteral("copyProdDataCheckBox"));
    m_copyData->setChecked(true);
    registerField(QStringLiteral("copyProdData"), m_copyData);
    m_description = new QLabel(this);
    m_description->setObjectName(QStringLiteral("approachDescription"));
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::RichText);
    m_description->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_description->setFrameShape(QFrame::StyledPanel);
    m_description->setMargin(8);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_inPlace);
    layout->addWidget(m_phased);
    auto* indent = new QHBoxLayout;
    indent->addSpacing(24);
    indent->addWidget(m_copyData);
    layout->addLayout(indent);
    layout->addWidget(m_zeroDowntime);
    layout->addWidget(m_zeroDowntimeWhy);
    layout->addWidget(m_description, 1);
    for (QRadioButton* b : {m_inPlace, m_phased, m_zeroDowntime})
        connect(b, &QRadioButton::toggled, this, &ApproachPage::describe);
    describe();
}

void ApproachPage::describe()
{
    const char* text =
        m_inPlace->isChecked() ? InPlace : (m_phased->isChecked() ? Phased : ZeroDowntime);
    m_description->setText(tr(text));
}

void ApproachPage::initializePage()
{
    // Zero-downtime needs the site's blue and green hosts and its blueGreen block.
    const Site& site = wizardOf(this)->state().site;
    m_zeroDowntime->setEnabled(site.blueGreen.set);
    const QString why = site.blueGreen.set
                            ? QString()
                            : tr("Not available: the site file needs hosts \"blue\" and "
                                 "\"green\" and a \"blueGreen\" block.");
    m_zeroDowntime->setToolTip(why);
    m_zeroDowntime->setAccessibleDescription(why);
    m_zeroDowntimeWhy->setText(why);
    m_zeroDowntimeWhy->setVisible(!why.isEmpty());
    if (site.blueGreen.set && !m_phased->isChecked())
        m_zeroDowntime->setChecked(true); // a blue/green site is upgraded that way
    if (!site.blueGreen.set && m_zeroDowntime->isChecked())
        m_inPlace->setChecked(true);
    describe();
}

bool ApproachPage::validatePage()
{
    wizardOf(this)->state().approach = m_zeroDowntime->isChecked() ? Approach::ZeroDowntime
                                       : m_phased->isChecked()     ? Approach::Phased
                                                                   : Approach::InPlace;
    return true;
}

} // namespace myst
