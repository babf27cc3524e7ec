#include "ui/widgets/InteractivePromptDialog.h"

#include "core/base/TerminalText.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

#include <future>
#include <memory>

namespace myst {

InteractivePromptDialog::InteractivePromptDialog(const InteractiveChallenge& challenge,
                                                 QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Login to %1").arg(challenge.endpointId));
    auto* layout = new QVBoxLayout(this);
    // The server's words, as plain text: a hostile server must not style or link anything.
    auto* heading = new QLabel(
        tr("<b>%1</b> asks for more to log in.").arg(challenge.endpointId.toHtmlEscaped()));
    layout->addWidget(heading);
    for (const QString& part : {challenge.name, challenge.instruction}) {
        if (part.trimmed().isEmpty())
            continue;
        auto* text = new QLabel(plainTerminalText(part.trimmed()));
        text->setTextFormat(Qt::PlainText);
        text->setWordWrap(true);
        layout->addWidget(text);
    }
    auto* form = new QFormLayout;
    for (const InteractivePrompt& prompt : challenge.prompts) {
        auto* field = new QLineEdit;
        field->setEchoMode(prompt.echo ? QLineEdit::Normal : QLineEdit::Password);
        auto* label = new QLabel(plainTerminalText(prompt.text.trimmed()));
        label->setTextFormat(Qt::PlainText);
        form->addRow(label, field);
        m_fields << field;
    }
    layout->addLayout(form);
    auto* note = new QLabel(tr("What you type here is sent once and never stored."));
    note->setWordWrap(true);
    layout->addWidget(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Log in"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    if (!m_fields.isEmpty())
        m_fields.first()->setFocus();
}

QStringList InteractivePromptDialog::answers() const
{
    QStringList out;
    for (const QLineEdit* field : m_fields)
        out << field->text();
    return out;
}

InteractiveResponder dialogResponder(QWidget* parent)
{
    QPointer<QWidget> window(parent);
    return [window](const InteractiveChallenge& challenge, QStringList* answers, QString* why) {
        if (QThread::currentThread() == qApp->thread()) {
            *why = QStringLiteral("the login asked for \"%1\" on the window's own thread, "
                                  "which must not wait")
                       .arg(challenge.prompts.first().text.trimmed());
            return false;
        }
        // Set once: by the dialog's answer, or by its end without one (window closed).
        auto reply = std::make_shared<std::promise<std::optional<QStringList>>>();
        auto set = std::make_shared<std::once_flag>();
        std::future<std::optional<QStringList>> answer = reply->get_future();
        QMetaObject::invokeMethod(
            qApp,
            [window, challenge, reply, set] {
                auto* dialog = new InteractivePromptDialog(challenge, window);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                QObject::connect(dialog, &QDialog::finished, dialog, [dialog, reply, set](int r) {
                    std::call_once(*set, [&] {
                        reply->set_value(r == QDialog::Accepted
                                             ? std::optional<QStringList>(dialog->answers())
                                             : std::nullopt);
                    });
                });
                QObject::connect(dialog, &QObject::destroyed, [reply, set] {
                    std::call_once(*set, [&] { reply->set_value(std::nullopt); });
                });
                dialog->open();
            },
            Qt::QueuedConnection);
        const std::optional<QStringList> typed = answer.get();
        if (!typed) {
            *why = QStringLiteral("the login was cancelled");
            return false;
        }
        *answers = *typed;
        return true;
    };
}

} // namespace myst
