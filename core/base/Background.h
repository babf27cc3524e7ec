#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

namespace myst {

// Runs blocking work (libssh) on a thread of its own and hands the result to `done` on the
// context object's thread, unless the context is gone by then (KeePassXC's runThenCallback).
template <typename T>
void runInBackground(QObject* context, std::function<T()> work, std::function<void(T)> done)
{
    auto result = std::make_shared<T>();
    QThread* thread = QThread::create([work, result] { *result = work(); });
    QObject::connect(thread, &QThread::finished, context, [result, done] { done(*result); });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace myst
