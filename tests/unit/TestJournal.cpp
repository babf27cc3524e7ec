#include "TestConfig.h"

#include "core/base/Validation.h"
#include "core/journal/Journal.h"
#include "core/journal/RunReport.h"
#include "core/plan/Plan.h"
#include "core/plan/PlanResume.h"
#include "core/site/Site.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QTextImageFormat>
#include <QTextTable>

using namespace myst;

// The journal: saved atomically, read back, and one written before step kinds were stored by
// name still loads (tests/fixtures/journal-kinds-as-numbers.json, written by that version).
class TestJournal : public QObject
{
    Q_OBJECT
private slots:
    void journalRoundTripsAndSavesAtomically()
    {
        QTemporaryDir dir;
        qputenv("XDG_STATE_HOME", dir.path().toUtf8());
        Journal j = Journal::create("upgrade");
        QVERIFY(isValidRunId(j.runId));
        j.records["prod"].backupPath = "/opt/myst-studio/backup/b.sql";
        j.records["prod"].previousImageId = "sha256:abc";
        StepRecord s;
        s.id = "pull";
        s.status = StepStatus::Failed;
        s.exitCode = 3;
        j.steps << s;
        QString error;
        QVERIFY(j.save(&error));
        const auto back = Journal::loadRun(j.runId, &error);
        QVERIFY(back);
        QCOMPARE(back->records["prod"].backupPath, j.records["prod"].backupPath);
        QCOMPARE(back->steps.first().status, StepStatus::Failed);
        QCOMPARE(back->steps.first().exitCode, 3);
        // No temporary files are left beside the journal.
        QCOMPARE(QDir(dir.path() + "/myst-upgrade/runs").entryList(QDir::Files).size(), 1);
        QVERIFY(!Journal::loadRun("../../etc/passwd", &error));
    }

    void aJournalWithKindsAsNumbersStillLoads()
    {
        QString error;
        const auto old =
            Journal::load(MYST_SOURCE_DIR "/tests/fixtures/journal-kinds-as-numbers.json", &error);
        QVERIFY2(old, qPrintable(error));
        QCOMPARE(old->status, QStringLiteral("succeeded"));
        QVERIFY(isValidImageId(old->records.value("prod").previousImageId));
        const std::optional<Plan> plan = planFromJson(old->plan, &error);
        QVERIFY2(plan, qPrintable(error));
        QList<StepKind> kinds;
        for (const Step& s : plan->steps)
            kinds << s.kind;
        QCOMPARE(kinds, QList<StepKind>({StepKind::RecordImage, StepKind::Script, StepKind::Backup,
                                         StepKind::CheckReadiness, StepKind::Script,
                                         StepKind::Script, StepKind::Verify}));
    }
    // What a host said is quoted as text (issue 30, finding 1): rendered as the wizard renders
    // Markdown (GitHub dialect, HTML allowed), it shows literally, loads no image and leaves
    // the step table whole.
    void aReportQuotesWhatHostsSaidAsText()
    {
        const QString hostile =
            QStringLiteral("<img src=\"/dev/zero\"> | **not bold** `x` ![i](/dev/zero) &lt;");
        Journal j = Journal::create("upgrade");
        j.message = QStringLiteral("verify failed: ") + hostile;
        j.records["prod"].backupPath = QStringLiteral("/u01/myst-studio/backup/a`b.sql");
        StepRecord s;
        s.id = "verify";
        s.role = "prod";
        s.title = "Verify";
        s.status = StepStatus::Failed;
        s.message = QStringLiteral("error line\n") + hostile;
        j.steps << s << s;
        QTextDocument doc;
        doc.setMarkdown(runReportMarkdown(j, std::nullopt));
        const QString shown = doc.toPlainText();
        QVERIFY2(shown.contains(QStringLiteral("verify failed: ") + hostile), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("/u01/myst-studio/backup/a`b.sql")),
                 qPrintable(shown));
        int images = 0;
        QTextTable* table = nullptr;
        for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
            if (!table)
                table = doc.rootFrame() ? qobject_cast<QTextTable*>(doc.frameAt(b.position()))
                                        : nullptr;
            for (auto f = b.begin(); !f.atEnd(); ++f)
                images += f.fragment().charFormat().isImageFormat();
        }
        QCOMPARE(images, 0);
        QVERIFY(table);
        QCOMPARE(table->columns(), 6);
        QCOMPARE(table->rows(), 3); // the header and the two steps
        QCOMPARE(table->cellAt(1, 5).firstCursorPosition().block().text(),
                 QStringLiteral("error line ") + hostile);
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "TestJournal.moc"
