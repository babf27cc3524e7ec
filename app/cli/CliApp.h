#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

namespace myst {

class CliOutput;
class CommandContext;

// `myst-upgrade`: reads the command line, chooses the output from --json, and hands the
// command to its function in commands/, which ends the event loop with the contract's exit
// code.
class CliApp : public QObject
{
    Q_OBJECT
public:
    explicit CliApp(QStringList arguments, QObject* parent = nullptr);
    ~CliApp() override;
    void start(); // queued: call, then QCoreApplication::exec()

private:
    void run();

    QStringList m_arguments;
    // Declared before the context, which refers to it, so that it outlives the context.
    std::unique_ptr<CliOutput> m_output;
    std::unique_ptr<CommandContext> m_context;
};

} // namespace myst
