#pragma once

#include <QWizardPage>

class QLabel;
class QLineEdit;

namespace myst {

// The target version for an online pull (pull.sh <VERSION>).
class ImagePage : public QWizardPage
{
    Q_OBJECT
public:
    ImagePage();
    void initializePage() override;
    bool validatePage() override;

private:
    QLineEdit* m_version;
    QLabel* m_current;
};

} // namespace myst
