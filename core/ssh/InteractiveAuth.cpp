#include "core/ssh/InteractiveAuth.h"

#include <QRegularExpression>

#include <cstring>
#include <mutex>

namespace myst {

namespace {
std::mutex responderMutex;
InteractiveResponder processResponder;

// QByteArray frees without wiping; answers are secrets.
void wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty())
        std::memset(bytes.data(), 0, size_t(bytes.size()));
}
} // namespace

void setDefaultInteractiveResponder(InteractiveResponder responder)
{
    const std::lock_guard<std::mutex> lock(responderMutex);
    processResponder = std::move(responder);
}

InteractiveResponder defaultInteractiveResponder()
{
    const std::lock_guard<std::mutex> lock(responderMutex);
    return processResponder;
}

InteractiveResponder responderFor(const SshAuth& auth)
{
    return auth.interactive ? auth.interactive : defaultInteractiveResponder();
}

bool isPasswordPrompt(const QString& prompt)
{
    static const QRegularExpression password(QStringLiteral("\\bpassword\\b"),
                                             QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression other(
        QStringLiteral("one[- ]?time|\\botp\\b|code|token|\\bnew\\b|again|retype|verif|\\bpin\\b|"
                       "oath|second factor|2fa|mfa"),
        QRegularExpression::CaseInsensitiveOption);
    return password.match(prompt).hasMatch() && !other.match(prompt).hasMatch();
}

QString askForPassword(const QString& endpointId, const SshAuth& auth, QString* why)
{
    const InteractiveResponder responder = responderFor(auth);
    InteractiveChallenge challenge;
    challenge.endpointId = endpointId;
    challenge.prompts << InteractivePrompt{QStringLiteral("Password for %1: ").arg(endpointId),
                                           false};
    QStringList answers;
    if (!responder || !responder(challenge, &answers, why) || answers.size() != 1) {
        if (why->isEmpty())
            *why = QStringLiteral("no password was given for %1").arg(endpointId);
        return {};
    }
    return answers.first();
}

InteractiveOutcome authenticateInteractive(ssh_session session, const QString& endpointId,
                                           const SshAuth& auth)
{
    InteractiveOutcome out;
    const InteractiveResponder responder = responderFor(auth);
    bool passwordUsed = false;
    out.rc = ssh_userauth_kbdint(session, nullptr, nullptr);
    while (out.rc == SSH_AUTH_INFO) {
        const int count = ssh_userauth_kbdint_getnprompts(session);
        InteractiveChallenge challenge;
        challenge.endpointId = endpointId;
        challenge.name = QString::fromUtf8(ssh_userauth_kbdint_getname(session));
        challenge.instruction = QString::fromUtf8(ssh_userauth_kbdint_getinstruction(session));
        QList<QByteArray> answers(count);
        QList<int> asked; // prompts the operator answers
        for (int i = 0; i < count; ++i) {
            char echo = 0;
            const QString text =
                QString::fromUtf8(ssh_userauth_kbdint_getprompt(session, i, &echo));
            if (!echo && !passwordUsed && !auth.password.isEmpty() && isPasswordPrompt(text)) {
                answers[i] = auth.password.toUtf8();
                passwordUsed = true; // a second password prompt means it was wrong: ask
                continue;
            }
            asked << i;
            challenge.prompts << InteractivePrompt{text, echo != 0};
        }
        if (!asked.isEmpty()) {
            QStringList replies;
            QString why;
            if (!responder) {
                out.note = QStringLiteral("the server asks for \"%1\", and nobody can answer it "
                                          "here")
                               .arg(challenge.prompts.first().text.trimmed());
            } else if (!responder(challenge, &replies, &why) || replies.size() != asked.size()) {
                out.note = why.isEmpty() ? QStringLiteral("the prompt was not answered") : why;
            }
            if (!out.note.isEmpty()) {
                for (QByteArray& a : answers)
                    wipe(a);
                out.rc = SSH_AUTH_DENIED;
                return out;
            }
            for (int k = 0; k < asked.size(); ++k)
                answers[asked[k]] = replies[k].toUtf8();
        }
        for (int i = 0; i < count; ++i) {
            ssh_userauth_kbdint_setanswer(session, unsigned(i), answers[i].constData());
            wipe(answers[i]);
        }
        out.rc = ssh_userauth_kbdint(session, nullptr, nullptr);
    }
    return out;
}

} // namespace myst
