#include "ui/run/FailurePanel.h"

#include "ui/widgets/PlainText.h"

#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace myst {

FailurePanel::FailurePanel(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("failurePanel"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(
        QStringLiteral("#failurePanel { background: #fdecea; border: 1px solid #b21818; }"));
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    plaintext::makePlain(m_title);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_lines = new QPlainTextEdit(this);
    m_lines->setObjectName(QStringLiteral("judgementLines"));
    m_lines->setAccessibleName(tr("What the step found"));
    m_lines->setReadOnly(true);
    m_lines->setMaximumHeight(m_lines->fontMetrics().lineSpacing() * 4 + 12);
    m_lines->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto* ways = new QGridLayout;
    const auto add = [&](const QString& text, const QString& name, QLabel** what, int row) {
        auto* button = new QPushButton(text, this);
        button->setObjectName(name);
        *what = new QLabel(this);
        (*what)->setWordWrap(true);
        plaintext::makePlain(*what);
        ways->addWidget(button, row, 0, Qt::AlignTop);
        ways->addWidget(*what, row, 1);
        return button;
    };
    m_retry = add(tr("&Retry the step"), QStringLiteral("retryStepButton"), &m_retryWhat, 0);
    m_accept =
        add(tr("&Accept and continue"), QStringLiteral("acceptFailureButton"), &m_acceptWhat, 1);
    m_rollback =
        add(tr("Roll &back…"), QStringLiteral("failureRollbackButton"), &m_rollbackWhat, 2);
    m_leave = add(tr("&Leave it as it is"), QStringLiteral("leaveAsIsButton"), &m_leaveWhat, 3);
    ways->setColumnStretch(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_lines);
    layout->addLayout(ways);
    connect(m_retry, &QPushButton::clicked, this, &FailurePanel::retryClicked);
    connect(m_accept, &QPushButton::clicked, this, &FailurePanel::acceptClicked);
    connect(m_rollback, &QPushButton::clicked, this, &FailurePanel::rollbackClicked);
    connect(m_leave, &QPushButton::clicked, this, &FailurePanel::leaveClicked);
}

void FailurePanel::setFailure(const Plan& plan, const Journal& run, const FailureChoices& choices,
                              const QString& hostsNow, const QString& rollback)
{
    const Step step = plan.steps.value(choices.index);
    const StepRecord record = run.steps.value(choices.index);
    m_title->setText(tr("Step %1 “%2” on %3 failed. Choose how to go on:")
                         .arg(choices.index + 1)
                         .arg(step.title, step.role));
    const QString script = step.argv.value(0).section(QLatin1Char('/'), -1);
    m_retry->setEnabled(choices.retry.safe);
    m_retryWhat->setText(
        choices.retry.safe
            ? tr("Runs “%1” on %2 again (attempt %3), then the steps after it. Safe to repeat: %4.")
                  .arg(script.isEmpty() ? step.title : script, step.role)
                  .arg(record.attempts.size() + 2)
                  .arg(choices.retry.reason)
            : tr("Not offered: %1.").arg(choices.retry.reason));
    const bool judgement = !choices.judgement.isEmpty();
    m_lines->setVisible(judgement);
    m_lines->setPlainText(choices.judgement.join(QLatin1Char('\n')));
    m_accept->setVisible(judgement);
    m_acceptWhat->setVisible(judgement);
    m_acceptWhat->setText(tr("You judge the line(s) above harmless: the step counts as accepted "
                             "by you, with your name and the time, in the journal, the host's "
                             "record and the report; the run goes on."));
    m_rollback->setEnabled(!rollback.isEmpty());
    m_rollbackWhat->setText(rollback.isEmpty()
                                ? tr("Not offered: nothing was recorded to roll back to.")
                                : tr("Restores %1; what changed since is lost.").arg(rollback));
    m_leaveWhat->setText(tr("Ends the run and changes nothing. %1")
                             .arg(hostsNow.isEmpty()
                                      ? tr("The hosts stay as the message below says.")
                                      : tr("Now: %1").arg(hostsNow)));
    // The way a tired operator should see first (bold, focused; never the Enter key's: that
    // stays the wizard's): Retry when it is safe and the failure is a fact; for a judgement,
    // the lines and Accept; else Leave, which changes nothing.
    QPushButton* first = judgement ? m_accept : choices.retry.safe ? m_retry : m_leave;
    for (QPushButton* b : {m_retry, m_accept, m_rollback, m_leave}) {
        QFont f = b->font();
        f.setBold(b == first);
        b->setFont(f);
        b->setAccessibleDescription({});
    }
    m_retry->setAccessibleDescription(m_retryWhat->text());
    m_accept->setAccessibleDescription(m_acceptWhat->text());
    m_rollback->setAccessibleDescription(m_rollbackWhat->text());
    m_leave->setAccessibleDescription(m_leaveWhat->text());
    first->setFocus();
}

} // namespace myst
