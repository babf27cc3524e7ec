// The wizard's keyboard-interactive dialog: asked from a connection's worker thread, shown on
// the GUI thread without blocking it, answered by the operator, the answer handed back.
#include "ui/widgets/InteractivePromptDialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace myst;

class TestInteractivePrompt : public QObject
{
    Q_OBJECT

private:
    static InteractiveChallenge codeChallenge()
    {
        InteractiveChallenge c;
        c.endpointId = QStringLiteral("admin@bastion.example.com:22");
        c.instruction = QStringLiteral("\x1b]0;owned\x07Enter the code from your token.");
        c.prompts << InteractivePrompt{QStringLiteral("Verification code: "), false};
        return c;
    }

    static InteractivePromptDialog* openDialog()
    {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            if (auto* d = qobject_cast<InteractivePromptDialog*>(w); d && d->isVisible())
                return d;
        }
        return nullptr;
    }

private slots:
    void askedFromAWorkerTheWindowKeepsRunning()
    {
        QWidget window;
        window.show();
        const InteractiveResponder ask = dialogResponder(&window);
        std::atomic<bool> done{false};
        bool ok = false;
        QStringList answers;
        QThread* worker = QThread::create([&] {
            QString why;
            ok = ask(codeChallenge(), &answers, &why);
            done = true;
        });
        worker->start();
        int ticks = 0; // the GUI thread's own timer goes on while the worker waits
        QTimer tick;
        connect(&tick, &QTimer::timeout, [&] { ++ticks; });
        tick.start(10);
        QTRY_VERIFY(openDialog() != nullptr);
        InteractivePromptDialog* dialog = openDialog();
        QCOMPARE(dialog->fields().size(), 1);
        QCOMPARE(dialog->fields().first()->echoMode(), QLineEdit::Password);
        QTest::qWait(100);
        QVERIFY(!done);
        QVERIFY(ticks > 3);
        QTest::keyClicks(dialog->fields().first(), QStringLiteral("492 113"));
        dialog->accept();
        QTRY_VERIFY(done.load());
        worker->wait();
        delete worker;
        QVERIFY(ok);
        QCOMPARE(answers, QStringList{QStringLiteral("492 113")});
    }

    void cancelledIsARefusal()
    {
        const InteractiveResponder ask = dialogResponder(nullptr);
        std::atomic<bool> done{false};
        bool ok = true;
        QString why;
        QThread* worker = QThread::create([&] {
            QStringList answers;
            ok = ask(codeChallenge(), &answers, &why);
            done = true;
        });
        worker->start();
        QTRY_VERIFY(openDialog() != nullptr);
        openDialog()->reject();
        QTRY_VERIFY(done.load());
        worker->wait();
        delete worker;
        QVERIFY(!ok);
        QVERIFY(why.contains(QStringLiteral("cancelled")));
    }

    void neverWaitsOnTheGuiThread()
    {
        QStringList answers;
        QString why;
        QVERIFY(!dialogResponder(nullptr)(codeChallenge(), &answers, &why));
        QVERIFY(why.contains(QStringLiteral("must not wait")));
        QVERIFY(openDialog() == nullptr);
    }
};

QTEST_MAIN(TestInteractivePrompt)
#include "TestInteractivePrompt.moc"
