#pragma once

#include "core/session/FailedStep.h"

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace myst {

// After a failed step, the ways on, each saying what it does and what it loses (guided
// failure): Retry the step (when it is safe to repeat, else disabled with the reason), Accept
// and continue (only for a judgement, with the lines quoted), Roll back, and Leave it as it is.
// A panel on the Run page, like the gate: nothing is chosen by dismissing a dialog.
class FailurePanel : public QFrame
{
    Q_OBJECT
public:
    explicit FailurePanel(QWidget* parent = nullptr);
    // The failed step of `plan`, what the run can do about it, and what each host runs now.
    // `rollback`: what the rollback restores ("the image and the backup of 02:14"), or empty
    // when there is nothing recorded to roll back to.
    void setFailure(const Plan& plan, const Journal& run, const FailureChoices& choices,
                    const QString& hostsNow, const QString& rollback);

signals:
    void retryClicked();
    void acceptClicked();
    void rollbackClicked();
    void leaveClicked();

private:
    QLabel* m_title;
    QPlainTextEdit* m_lines; // the judgement's lines, as the host wrote them (plain text)
    QPushButton* m_retry;
    QPushButton* m_accept;
    QPushButton* m_rollback;
    QPushButton* m_leave;
    QLabel* m_retryWhat;
    QLabel* m_acceptWhat;
    QLabel* m_rollbackWhat;
    QLabel* m_leaveWhat;
};

} // namespace myst
