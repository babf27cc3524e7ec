#include "ui/pages/RunPage.h"

#include "ui/widgets/LogPane.h"
#include "ui/wizard/UpgradeWizard.h"

#include "core/base/Background.h"
#include "core/host/HostLock.h"
#include "core/session/RunSession.h"
#include "core/site/SecretLoader.h"

#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace myst {

namespace {
enum Column
{
    StatusColumn,
    StepColumn,
    HostColumn,
    DurationColumn
};

QString seconds(qint64 ms)
{
    return QString::number(ms / 1000.0, 'f', 1) + QStringLiteral(" s");
}
} // namespace

RunPage::RunPage()
{
    setTitle(tr("Upgrade"));
    m_steps = new QTreeWidget(this);
    m_steps->setObjectName(QStringLiteral("stepsTree"));
    m_steps->setHeaderLabels({QString(), tr("Step"), tr("Host"), tr("Time")});
    m_steps->setRootIsDecorated(false);
    m_steps->header()->setSectionResizeMode(StepColumn, QHeaderView::Stretch);
    m_steps->header()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_steps->header()->setSectionResizeMode(HostColumn, QHeaderView::ResizeToContents);
    m_steps->header()->setSectionResizeMode(DurationColumn, QHeaderView::ResizeToContents);
    m_steps->header()->setStretchLastSection(false);
    // One live log per host, side by side (non-production, production).
    m_panes = new QSplitter(Qt::Horizontal, this);
    auto* splitter = m_layoutSplitter = new QSplitter(this);
    splitter->addWidget(m_steps);
    splitter->addWidget(m_panes);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    // The phased gate: a blocking panel, not a dialog that could be dismissed by accident.
    m_gate = new QFrame(this);
    m_gate->setObjectName(QStringLiteral("gatePanel"));
    m_gate->setFrameShape(QFrame::StyledPanel);
    m_gate->setStyleSheet(
        QStringLiteral("#gatePanel { background: #fff6d5; border: 1px solid #c0a000; }"));
    m_gateText = new QLabel(m_gate);
    m_gateText->setWordWrap(true);
    auto* goOn = new QPushButton(tr("Continue to production"), m_gate);
    goOn->setObjectName(QStringLiteral("gateContinueButton"));
    auto* stop = new QPushButton(tr("Stop here"), m_gate);
    stop->setObjectName(QStringLiteral("gateStopButton"));
    auto* gateLayout = new QHBoxLayout(m_gate);
    gateLayout->addWidget(m_gateText, 1);
    gateLayout->addWidget(stop);
    gateLayout->addWidget(goOn);
    m_gate->hide();
    connect(goOn, &QPushButton::clicked, this, [this] {
        m_gate->hide();
        if (m_runner)
            m_runner->approveGate();
    });
    connect(stop, &QPushButton::clicked, this, [this] {
        m_gate->hide();
        if (m_runner)
            m_runner->cancel();
    });

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("runStatusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_upload = new QProgressBar(this);
    m_upload->setObjectName(QStringLiteral("uploadProgressBar"));
    m_upload->setRange(0, 1000);
    m_upload->setTextVisible(false);
    m_uploadText = new QLabel(this);
    m_uploadText->setObjectName(QStringLiteral("uploadProgressLabel"));
    m_upload->hide();
    m_uploadText->hide();
    m_outage = new QLabel(this);
    m_outage->setObjectName(QStringLiteral("outageLabel"));
    m_cancel = new QPushButton(tr("Cancel run"), this);
    m_cancel->setObjectName(QStringLiteral("cancelRunButton"));
    m_rollback =
        new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Roll back"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setEnabled(false);
    m_rollback->setToolTip(tr("Enabled once the database backup is recorded"));
    m_breakLock = new QPushButton(tr("Break the lock…"), this);
    m_breakLock->setObjectName(QStringLiteral("breakLockButton"));
    m_breakLock->hide();
    connect(m_breakLock, &QPushButton::clicked, this, &RunPage::askBreakLock);
    m_resume = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay),
                               tr("Reconnect and continue"), this);
    m_resume->setObjectName(QStringLiteral("resumeRunButton"));
    m_resume->setToolTip(tr("The step went on on the host; follow it again from where it was"));
    m_resume->hide();
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const WizardState& state = wizardOf(this)->state();
        continueRun(m_isRollbackRun ? *state.rollbackRun : *state.upgradeRun);
    });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_outage);
    buttons->addStretch();
    buttons->addWidget(m_breakLock);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_rollback);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_gate);
    auto* upload = new QHBoxLayout;
    upload->addWidget(m_uploadText);
    upload->addWidget(m_upload, 1);
    layout->addLayout(upload);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_cancel, &QPushButton::clicked, this, &RunPage::askCancel);
    connect(m_rollback, &QPushButton::clicked, this, &RunPage::askRollback);
    m_ticker.setInterval(200);
    connect(&m_ticker, &QTimer::timeout, this, &RunPage::tick);
}

void RunPage::initializePage()
{
    WizardState& state = wizardOf(this)->state();
    m_steps->clear();
    qDeleteAll(m_logs);
    m_logs.clear();
    m_layoutSplitter->setOrientation(Qt::Horizontal);
    m_layoutSplitter->setSizes({360, 640}); // the log gets the room
    m_gate->hide();
    m_upload->hide();
    m_uploadText->hide();
    m_done = false;
    m_firstRow = 0;
    m_breakLock->hide();
    m_resume->hide();
    m_resumedFrom.reset();
    m_status->setStyleSheet(QString());
    if (state.resumeRun) {
        const Journal run = *state.resumeRun;
        state.resumeRun.reset(); // once: Back and Next again must not resume twice
        m_resumedFrom = run;
        QString error;
        const std::optional<Plan> plan = RunSession::planResume(run, state.site, &error);
        setTitle(tr("Continue run %1").arg(run.runId));
        if (!plan) {
            m_status->setText(error);
            m_done = true;
            m_cancel->setEnabled(false);
            emit completeChanged();
            return;
        }
        m_isRollbackRun = run.kind == QLatin1String("rollback");
        if (!m_isRollbackRun) {
            state.upgradeRun = run; // what the Rollback button undoes
            const HostRecord r = run.records.value(QStringLiteral("prod"));
            m_backupPath = r.backupPath;
            m_previousImage = r.previousImageId;
        }
        startRun(*plan, run, Runner::Mode::Resume);
        return;
    }
    if (state.rollbackMode && state.rollbackSource) {
        setTitle(tr("Roll back"));
        m_backupPath = state.rollbackSource->records.value(QStringLiteral("prod")).backupPath;
        const QString role = RunSession::rollbackRole(*state.rollbackSource, state.site, {});
        QString error;
        Plan plan;
        if (!RunSession::planRollback(state.site, *state.rollbackSource, role, &plan, &error)) {
            m_status->setText(error);
            m_done = true;
            m_cancel->setEnabled(false);
            emit completeChanged();
            return;
        }
        m_isRollbackRun = true;
        startRun(plan, RunSession::newJournal(plan, state.rollbackSource->runId));
        return;
    }
    const QString version = field(QStringLiteral("version")).toString();
    const bool phased = state.approach == QLatin1String("phased");
    setTitle(phased ? tr("Phased upgrade to MyST Studio %1").arg(version)
                    : tr("Upgrade to MyST Studio %1").arg(version));
    UpgradeRequest request;
    request.approach = state.approach;
    request.version = version;
    request.copyProdData = phased && field(QStringLiteral("copyProdData")).toBool();
    request.offline = state.offlineImage;
    QString error;
    Plan plan;
    if (!RunSession::planUpgrade(state.site, request, &plan, &error)) {
        m_status->setText(error);
        m_done = true;
        m_cancel->setEnabled(false);
        emit completeChanged();
        return;
    }
    m_isRollbackRun = false;
    startRun(plan, RunSession::newJournal(plan));
}

bool RunPage::isComplete() const
{
    return m_done;
}

void RunPage::startRun(const Plan& plan, Journal journal, Runner::Mode mode)
{
    WizardState& state = wizardOf(this)->state();
    m_firstRow = m_steps->topLevelItemCount();
    for (const Step& step : plan.steps) {
        paneFor(step.role);
        auto* item = new QTreeWidgetItem(
            m_steps,
            {QString(),
             (m_isRollbackRun && m_firstRow > 0 ? tr("Rollback: ") : QString()) + step.title,
             step.role, QString()});
        item->setToolTip(StepColumn, step.commandText());
    }
    if (mode == Runner::Mode::Resume) { // what was done before the interruption
        for (int i = 0; i < journal.steps.size(); ++i) {
            const StepRecord& done = journal.steps.at(i);
            if (done.status != StepStatus::Succeeded)
                continue;
            QTreeWidgetItem* item = m_steps->topLevelItem(m_firstRow + i);
            item->setIcon(StatusColumn, style()->standardIcon(QStyle::SP_DialogApplyButton));
            item->setText(DurationColumn, seconds(done.started.msecsTo(done.finished)));
            replayStepLog(done);
            const Step& planned = plan.steps.at(i);
            if (planned.startsOutage && !m_outageOpen) { // stopped before the interruption
                m_outageOpen = true;
                m_outageStarted = done.started;
            } else if (planned.endsOutage && m_outageOpen) {
                m_outageOpen = false;
                if (journal.outageMs >= 0)
                    m_outage->setText(outageText(journal.outageMs));
            }
        }
        m_rollback->setEnabled(!m_isRollbackRun && !m_backupPath.isEmpty());
    }
    QStringList roles; // the hosts this run needs, whose secrets no page has asked for yet
    for (const QString& role : plan.roles()) {
        if (!state.auth.contains(role))
            roles << role;
    }
    if (roles.isEmpty()) {
        launchRun(plan, journal, mode);
        return;
    }
    // Resume, or rollback from the Start page: the Hosts page was skipped, so read what the
    // keychain holds, and ask for what it does not.
    wizardOf(this)->setBusy(true);
    m_cancel->setEnabled(false);
    m_status->setText(tr("Reading the keychain…"));
    readSecrets(state.site, roles, this, [this, plan, journal, mode](const SecretsResult& secrets) {
        WizardState& state = wizardOf(this)->state();
        for (auto it = secrets.auth.begin(); it != secrets.auth.end(); ++it) {
            if (!secrets.missing.contains(it.key()))
                state.auth.insert(it.key(), it.value());
        }
        askSecrets(secrets.missing,
                   [this, plan, journal, mode] { launchRun(plan, journal, mode); });
    });
}

void RunPage::askSecrets(QStringList roles, std::function<void()> then)
{
    if (roles.isEmpty()) {
        then();
        return;
    }
    WizardState& state = wizardOf(this)->state();
    const QString role = roles.takeFirst();
    const SiteHost host = state.site.hosts.value(role);
    const bool password = host.auth == QLatin1String("password");
    auto* dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("secretDialog"));
    dialog->setWindowTitle(password ? tr("Password") : tr("Key passphrase"));
    dialog->setLabelText(
        password ? tr("The keychain holds no password for %1 (%2).\nPassword:")
                       .arg(host.endpoint.id(), role)
                 : tr("The keychain holds no passphrase for %1, the key for %2 (%3).\nPassphrase:")
                       .arg(host.endpoint.identityFile, host.endpoint.id(), role));
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QInputDialog::finished, this, [this, dialog, role, roles, then](int result) {
        WizardState& state = wizardOf(this)->state();
        if (result != QDialog::Accepted) {
            wizardOf(this)->setBusy(false);
            m_status->setStyleSheet(QStringLiteral("color: #b21818;"));
            m_status->setText(tr("Not started: connecting to %1 needs its password or "
                                 "passphrase. Nothing was changed.")
                                  .arg(role));
            m_done = true;
            emit completeChanged();
            return;
        }
        state.auth.insert(role, authWithSecret(state.site.hosts.value(role), dialog->textValue()));
        askSecrets(roles, then);
    });
    dialog->open();
}

void RunPage::launchRun(const Plan& plan, const Journal& journal, Runner::Mode mode)
{
    WizardState& state = wizardOf(this)->state();
    m_runner = new Runner(state.site, plan, journal, this, mode);
    for (auto it = state.auth.begin(); it != state.auth.end(); ++it)
        m_runner->setAuth(it.key(), it.value());
    connect(m_runner, &Runner::stepStarted, this, &RunPage::onStepStarted);
    connect(m_runner, &Runner::stepFinished, this, &RunPage::onStepFinished);
    connect(m_runner, &Runner::output, this,
            [this](int index, OutputStream stream, const QString& line) {
                paneFor(m_runner->plan().steps.at(index).role)->appendLine(stream, line);
            });
    connect(m_runner, &Runner::gateReached, this, &RunPage::onGate);
    connect(m_runner, &Runner::uploadProgress, this, &RunPage::onUploadProgress);
    connect(m_runner, &Runner::captured, this,
            [this](const QString&, const QString& key, const QString& value) {
                if (key == QLatin1String("backupPath") && !value.isEmpty()) {
                    m_backupPath = value;
                    m_rollback->setEnabled(!m_isRollbackRun);
                    m_rollback->setToolTip(tr("Restore %1 and the previous image").arg(value));
                } else if (key == QLatin1String("previousImageId")) {
                    m_previousImage = value;
                }
            });
    connect(m_runner, &Runner::finished, this, &RunPage::onFinished);
    m_status->setText(m_isRollbackRun ? tr("Rolling back…") : tr("Upgrading…"));
    m_cancel->setEnabled(true);
    wizardOf(this)->setBusy(true);
    m_ticker.start();
    m_runner->start();
}

void RunPage::onUploadProgress(int, const QString& role, const TransferProgress& p)
{
    const QLocale locale;
    m_upload->show();
    m_uploadText->show();
    m_upload->setValue(p.total > 0 ? int(p.done * 1000 / p.total) : 1000);
    QString text =
        tr("Uploading to %1: %2 of %3")
            .arg(role, locale.formattedDataSize(p.done), locale.formattedDataSize(p.total));
    if (p.bytesPerSecond > 0)
        text += tr(", %1/s").arg(locale.formattedDataSize(qint64(p.bytesPerSecond)));
    if (p.etaSeconds > 0)
        text += tr(", %1 s left").arg(qRound(p.etaSeconds));
    if (p.last)
        text = tr("Uploaded to %1: %2, checking the checksum on the host")
                   .arg(role, locale.formattedDataSize(p.total));
    m_uploadText->setText(text);
}

void RunPage::replayStepLog(const StepRecord& step)
{
    // The step log's lines are "HH:mm:ss.zzz out|err <line>"; "# " lines are its headers.
    static const QRegularExpression logLine(
        QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (out|err) (.*)$"));
    LogPane* pane = paneFor(step.role);
    pane->appendNote(QStringLiteral("▶ %1   $ %2").arg(step.title, step.command));
    QFile file(step.logFile);
    if (file.open(QIODevice::ReadOnly)) {
        while (!file.atEnd()) {
            QString line = QString::fromUtf8(file.readLine());
            if (line.endsWith(QLatin1Char('\n')))
                line.chop(1);
            const QRegularExpressionMatch m = logLine.match(line);
            if (m.hasMatch())
                pane->appendLine(m.captured(1) == QLatin1String("err") ? OutputStream::Stderr
                                                                       : OutputStream::Stdout,
                                 m.captured(2));
        }
    }
    pane->appendNote(QStringLiteral("✔ %1").arg(step.message));
}

void RunPage::onStepStarted(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = m_steps->topLevelItem(m_firstRow + index);
    item->setIcon(StatusColumn, style()->standardIcon(QStyle::SP_MediaPlay));
    m_steps->setCurrentItem(item);
    m_runningRow = m_firstRow + index;
    m_stepStarted = step.started;
    paneFor(step.role)->appendNote(QStringLiteral("▶ %1   $ %2").arg(step.title, step.command));
    const Step& planned = m_runner->plan().steps.at(index);
    if (planned.startsOutage && !m_outageOpen) {
        m_outageOpen = true;
        m_outageStarted = step.started;
    }
}

void RunPage::onStepFinished(int index, const StepRecord& step)
{
    QTreeWidgetItem* item = m_steps->topLevelItem(m_firstRow + index);
    const bool ok = step.status == StepStatus::Succeeded;
    // Still "running" at its end: the wizard lost the host, the step goes on there.
    const bool away = step.status == StepStatus::Running;
    item->setIcon(StatusColumn, style()->standardIcon(ok     ? QStyle::SP_DialogApplyButton
                                                      : away ? QStyle::SP_MessageBoxWarning
                                                             : QStyle::SP_MessageBoxCritical));
    item->setText(DurationColumn, seconds(step.started.msecsTo(step.finished)));
    item->setToolTip(StepColumn, step.command + QStringLiteral("\n") + step.message);
    m_runningRow = -1;
    paneFor(step.role)->appendNote(QStringLiteral("%1 %2").arg(ok     ? QStringLiteral("✔")
                                                               : away ? QStringLiteral("…")
                                                                      : QStringLiteral("✘"),
                                                               step.message));
    if (m_runner->plan().steps.at(index).kind == StepKind::UploadImage) {
        m_uploadText->show();
        m_uploadText->setText(ok ? tr("Uploaded to %1: %2").arg(step.role, step.message)
                                 : tr("Upload to %1 stopped: %2").arg(step.role, step.message));
    }
    if (ok && m_runner->plan().steps.at(index).endsOutage && m_outageOpen) {
        m_outageOpen = false;
        m_outage->setText(outageText(sinceOutageStarted()));
    }
}

QString RunPage::outageText(qint64 ms) const
{
    // A rollback's outage runs from its restore: the upgrade's own outage came before it.
    return m_isRollbackRun ? tr("Outage: %1 (restore to verified)").arg(seconds(ms))
                           : tr("Outage: %1 (stop to verified)").arg(seconds(ms));
}

qint64 RunPage::sinceOutageStarted() const
{
    return m_outageStarted.msecsTo(QDateTime::currentDateTimeUtc());
}

void RunPage::tick()
{
    if (m_runningRow >= 0) {
        m_steps->topLevelItem(m_runningRow)
            ->setText(DurationColumn,
                      seconds(m_stepStarted.msecsTo(QDateTime::currentDateTimeUtc())));
    }
    if (m_outageOpen) {
        m_outage->setText(tr("<b style='color:#b21818'>MyST Studio is down: %1</b>")
                              .arg(seconds(sinceOutageStarted())));
    }
}

void RunPage::onFinished(const RunResult& result)
{
    WizardState& state = wizardOf(this)->state();
    (m_isRollbackRun ? state.rollbackRun : state.upgradeRun) = result.journal;
    m_runner->deleteLater();
    m_ticker.stop();
    tick();
    if (result.journal.outageMs >= 0) // the runner's measure, the one the journal and report keep
        m_outage->setText(outageText(result.journal.outageMs));
    else if (m_outageOpen && result.journal.status == QLatin1String("interrupted"))
        // The clock stops here, the outage may not: say so rather than show a frozen figure.
        m_outage->setText(tr("<b style='color:#b21818'>MyST Studio was down for %1 when the host "
                             "was lost; it may still be</b>")
                              .arg(seconds(sinceOutageStarted())));
    m_cancel->setEnabled(false);
    m_status->setStyleSheet(result.ok ? QStringLiteral("color: #18781c;")
                                      : QStringLiteral("color: #b21818;"));
    m_status->setText(result.message);
    if (m_rollbackQueued) {
        m_rollbackQueued = false;
        startRollback(m_rollbackRole);
        return;
    }
    wizardOf(this)->setBusy(false);
    m_lockedRole = result.lockedRole;
    m_lockHolder = result.lockHolder;
    if (result.journal.status == QLatin1String("interrupted"))
        m_resume->show();
    if (!m_lockedRole.isEmpty()) {
        m_breakLock->setText(tr("Break the lock on %1…").arg(m_lockedRole));
        m_breakLock->show();
    }
    // Still offered after a successful upgrade: problems often show only after verify.
    m_rollback->setEnabled(!m_isRollbackRun && !m_backupPath.isEmpty());
    m_done = true;
    emit completeChanged();
}

LogPane* RunPage::paneFor(const QString& role)
{
    if (LogPane* pane = m_logs.value(role))
        return pane;
    if (!m_logs.isEmpty()) { // a second host: the logs get the full width, side by side
        m_layoutSplitter->setOrientation(Qt::Vertical);
        m_layoutSplitter->setSizes({200, 400});
    }
    auto* pane = new LogPane(role == QLatin1String("prod")      ? tr("Production")
                             : role == QLatin1String("nonprod") ? tr("Non-production")
                                                                : role,
                             m_panes);
    pane->setObjectName(role + QStringLiteral("LogPane"));
    m_logs.insert(role, pane);
    // Non-production to the left of production, in the order the phased run goes.
    m_panes->insertWidget(role == QLatin1String("nonprod") ? 0 : m_panes->count(), pane);
    return pane;
}

void RunPage::onGate(int index, const QString& summary)
{
    Q_UNUSED(index)
    m_gateText->setText(
        tr("<b>Non-production is upgraded and verified.</b> %1<br>Look at non-production's log and "
           "console; production is not touched until you continue.")
            .arg(summary.toHtmlEscaped()));
    m_gate->show();
}

void RunPage::askCancel()
{
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Cancel the run?"),
        tr("Cancelling stops the current step on the host: its processes are terminated. "
           "The host is left between steps; if MyST Studio was already stopped it stays "
           "down until you roll back or start it. The steps not yet run are skipped."),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("cancelRunDialog"));
    QPushButton* stop = box->addButton(tr("Cancel the run"), QMessageBox::DestructiveRole);
    box->addButton(tr("Keep running"), QMessageBox::RejectRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, stop] {
        if (box->clickedButton() == stop && m_runner)
            m_runner->cancel();
    });
    box->open();
}

void RunPage::askRollback()
{
    const WizardState& state = wizardOf(this)->state();
    const QString since =
        state.upgradeRun
            ? state.upgradeRun->started.toLocalTime().toString(QStringLiteral("HH:mm:ss"))
            : QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    // Hosts with a recorded backup were changed by this run (or were about to be).
    QStringList changed;
    if (state.upgradeRun) {
        for (const QString& role : {QStringLiteral("prod"), QStringLiteral("nonprod")}) {
            if (!state.upgradeRun->records.value(role).backupPath.isEmpty())
                changed << role;
        }
    } else {
        changed << QStringLiteral("prod");
    }
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Roll back?"),
                                tr("This %1re-tags the previous image as myst-studio, restores the "
                                   "database backup taken before "
                                   "the upgrade and restarts MyST Studio.\n\nEverything changed in "
                                   "MyST Studio since the backup "
                                   "(about %2) will be lost.")
                                    .arg(m_runner ? tr("cancels the upgrade, ") : QString(), since),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("rollbackDialog"));
    box->setDetailedText(tr("Backup: %1\nPrevious image: %2").arg(m_backupPath, m_previousImage));
    QMap<QAbstractButton*, QString> roles;
    for (const QString& role : changed) {
        QPushButton* go = box->addButton(
            changed.size() > 1
                ? tr("Roll back %1")
                      .arg(role == QLatin1String("prod") ? tr("production") : tr("non-production"))
                : tr("Roll back"),
            QMessageBox::DestructiveRole);
        go->setObjectName(role == QLatin1String("prod")
                              ? QStringLiteral("confirmRollbackButton")
                              : QStringLiteral("confirmRollbackNonprodButton"));
        roles.insert(go, role);
        if (role == QLatin1String("prod"))
            box->setDefaultButton(go); // production by default
    }
    box->addButton(tr("Do not roll back"), QMessageBox::RejectRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, roles] {
        const QString role = roles.value(box->clickedButton());
        if (role.isEmpty())
            return;
        m_rollback->setEnabled(false);
        if (m_runner) {
            m_rollbackRole = role;
            m_rollbackQueued = true; // after the upgrade has stopped
            m_runner->cancel();
        } else {
            startRollback(role);
        }
    });
    box->open();
}

void RunPage::askBreakLock()
{
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Break the lock"),
                        tr("%1 is locked by another upgrade: %2.").arg(m_lockedRole, m_lockHolder),
                        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("breakLockDialog"));
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(
        tr("Break it only if you are sure that upgrade is no longer running: its computer "
           "crashed, or it was abandoned. Two upgrades of one host at once can leave MyST "
           "Studio broken. If it was interrupted, continuing or rolling it back from its own "
           "computer is safer."));
    QPushButton* confirm =
        box->addButton(tr("Break the lock and run again"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmBreakLockButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, confirm] {
        if (box->clickedButton() == confirm)
            breakLockAndRetry();
    });
    box->open();
}

void RunPage::breakLockAndRetry()
{
    WizardState& state = wizardOf(this)->state();
    const QString role = m_lockedRole;
    const SiteHost host = state.site.hosts.value(role);
    const SshAuth auth = state.auth.value(role);
    m_breakLock->hide();
    m_done = false;
    emit completeChanged();
    wizardOf(this)->setBusy(true);
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Breaking the lock on %1…").arg(role));
    runInBackground<LockResult>(
        this,
        [host, auth] {
            SshConnection connection(host.endpoint);
            const SshStatus status = connection.open(auth);
            if (!status.ok())
                return LockResult{false, {}, status.message};
            return HostLock::breakLock(connection, host.mystHome);
        },
        [this, role](LockResult broken) {
            wizardOf(this)->setBusy(false);
            if (!broken.ok) {
                m_status->setStyleSheet(QStringLiteral("color: #b21818;"));
                m_status->setText(
                    tr("The lock on %1 was not broken: %2").arg(role, broken.message));
                m_breakLock->show();
                m_done = true;
                emit completeChanged();
                return;
            }
            if (m_resumedFrom)
                continueRun(*m_resumedFrom);
            else
                initializePage();
            paneFor(role)->appendNote(broken.message);
        });
}

void RunPage::continueRun(const Journal& run)
{
    QString error; // as it is on disk now; else as this page last had it
    wizardOf(this)->state().resumeRun = Journal::loadRun(run.runId, &error).value_or(run);
    initializePage();
}

void RunPage::startRollback(const QString& role)
{
    WizardState& state = wizardOf(this)->state();
    if (!state.upgradeRun) {
        return;
    }
    QString error;
    Plan plan;
    if (!RunSession::planRollback(state.site, *state.upgradeRun, role, &plan, &error)) {
        m_status->setText(error);
        wizardOf(this)->setBusy(false);
        m_done = true;
        emit completeChanged();
        return;
    }
    m_isRollbackRun = true;
    m_done = false;
    emit completeChanged();
    paneFor(role)->appendNote(QStringLiteral("──────── Rollback ────────"));
    startRun(plan, RunSession::newJournal(plan, state.upgradeRun->runId));
}

} // namespace myst
