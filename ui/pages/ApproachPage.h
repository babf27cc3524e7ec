#pragma once

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QRadioButton;

namespace myst {

// The guide's approaches with their description, pros, cons and expected outage.
class ApproachPage : public QWizardPage
{
    Q_OBJECT
public:
    ApproachPage();
    void initializePage() override;
    bool validatePage() override;

private:
    void describe();
    QRadioButton* m_inPlace;
    QRadioButton* m_phased;
    QRadioButton* m_zeroDowntime;
    QLabel* m_zeroDowntimeWhy; // shown when zero-downtime cannot be chosen
    QCheckBox* m_copyData;
    QLabel* m_description;
};

} // namespace myst
