#pragma once

#include "core/ssh/SshEndpoint.h"

#include <QDialog>
#include <QList>

class QLineEdit;

namespace myst {

// What an SSH server asks during keyboard-interactive login (a one-time code, a password the
// keychain does not hold): its name and instruction, one field per prompt, hidden unless the
// server asks for echo. Shown with open(), never exec(): the GUI thread goes on meanwhile.
class InteractivePromptDialog : public QDialog
{
    Q_OBJECT
public:
    explicit InteractivePromptDialog(const InteractiveChallenge& challenge,
                                     QWidget* parent = nullptr);
    QStringList answers() const;
    QList<QLineEdit*> fields() const { return m_fields; }

private:
    QList<QLineEdit*> m_fields;
};

// The wizard's responder: called on a connection's worker thread, it shows the dialog on the
// GUI thread and waits (that worker only) for the operator. Never call it on the GUI thread:
// it refuses there rather than block the window.
InteractiveResponder dialogResponder(QWidget* parent);

} // namespace myst
