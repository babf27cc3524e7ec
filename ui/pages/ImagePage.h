#pragma once

#include "core/plan/Plan.h"

#include <QWizardPage>

class QLabel;
class QLineEdit;
class QPushButton;

namespace myst {

class ImageDropZone;
struct ImageArchive;

// Where the new version comes from: the MyST registry (pull.sh <VERSION>), or an offline image
// archive dropped on the page, read and checked here before anything is uploaded.
class ImagePage : public QWizardPage
{
    Q_OBJECT
public:
    ImagePage();
    void initializePage() override;
    bool validatePage() override;
    bool isComplete() const override;

private:
    void readArchive(const QString& path);
    void showArchive(const ImageArchive& archive);
    void clearArchive();
    void readCurrentVersion();

    QLineEdit* m_version;
    QLabel* m_current;
    ImageDropZone* m_dropZone;
    QLabel* m_archiveDetails;
    QPushButton* m_clear;
    bool m_reading = false;
    int m_readSerial = 0;  // only the newest drop's result counts
    int m_probeSerial = 0; // only the newest visit's reading of the running version counts
};

} // namespace myst
