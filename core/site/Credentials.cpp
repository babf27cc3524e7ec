#include "core/site/Credentials.h"

#include "core/base/AppLog.h"

#include <qt6keychain/keychain.h>

namespace myst {

namespace {

QString describe(QKeychain::Job* job)
{
    switch (job->error()) {
    case QKeychain::NoError:
        return {};
    case QKeychain::NoBackendAvailable:
        return QStringLiteral("No keychain is available (is gnome-keyring or KWallet running and "
                              "unlocked?). Secrets are not saved; you will be asked each time. "
                              "(%1)")
            .arg(job->errorString());
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("The keychain refused access: %1").arg(job->errorString());
    default:
        return QStringLiteral("Keychain error: %1").arg(job->errorString());
    }
}

template <typename JobType> JobType* makeJob(const QString& key)
{
    auto* job = new JobType(QString::fromLatin1(Credentials::Service));
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file instead of the keychain
    job->setKey(key);
    return job;
}

} // namespace

void Credentials::store(const QString& key, const QString& secret, QObject* context, Callback done)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(key);
    job->setTextData(secret);
    QObject::connect(job, &QKeychain::Job::finished, context, [key, done](QKeychain::Job* j) {
        KeychainResult result;
        result.ok = j->error() == QKeychain::NoError;
        result.error = describe(j);
        log::keychain()->info("store {}: {}", key.toStdString(), result.ok ? "ok" : "failed");
        done(result);
    });
    job->start();
}

void Credentials::read(const QString& key, QObject* context, Callback done)
{
    auto* job = makeJob<QKeychain::ReadPasswordJob>(key);
    QObject::connect(job, &QKeychain::Job::finished, context, [key, done](QKeychain::Job* j) {
        KeychainResult result;
        if (j->error() == QKeychain::EntryNotFound) {
            result.ok = true; // nothing stored: not an error
        } else if (j->error() == QKeychain::NoError) {
            result.ok = true;
            result.found = true;
            result.secret = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
        } else {
            result.error = describe(j);
        }
        log::keychain()->info("read {}: {}", key.toStdString(),
                              result.found ? "found" : (result.ok ? "none stored" : "failed"));
        done(result);
    });
    job->start();
}

void Credentials::remove(const QString& key, QObject* context, Callback done)
{
    auto* job = makeJob<QKeychain::DeletePasswordJob>(key);
    QObject::connect(job, &QKeychain::Job::finished, context, [key, done](QKeychain::Job* j) {
        KeychainResult result;
        result.ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        result.error = result.ok ? QString() : describe(j);
        log::keychain()->info("remove {}: {}", key.toStdString(), result.ok ? "ok" : "failed");
        done(result);
    });
    job->start();
}

} // namespace myst
