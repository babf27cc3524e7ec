#pragma once

#include <QString>

#include <vector>

namespace myst {

class CommandContext;

// One option of a command, as `COMMAND --help`, the man page and the shell completion show it.
struct OptionHelp
{
    const char* name;     // without the leading "--"
    const char* argument; // "SITE", "RUN_ID", …; nullptr for a flag
    const char* description;
    // The values it takes, if a fixed few ("in-place, phased"): the help says "One of: …".
    const char* choices = nullptr;
};

// One command of `myst-upgrade`: its function and everything its help says. The only list of
// commands: the dispatch, `--help`, and (generated from `--help` at build time) the man page
// and the bash completion all come from it, so that a command added here appears everywhere.
struct CommandSpec
{
    const char* name;
    void (*run)(CommandContext&);
    const char* synopsis; // the options after "myst-upgrade NAME"
    const char* summary;  // one line, for the command list
    std::vector<OptionHelp> options;
    const char* details; // paragraphs after the options; may be empty
};

const std::vector<CommandSpec>& commandTable();
const CommandSpec* commandNamed(const QString& name);

// Options every command takes (--json, --help).
const std::vector<OptionHelp>& commonOptions();
// Whether --name takes a value or is a flag, over every command (the parser is shared).
bool isValueOption(const QString& name);
bool isFlagOption(const QString& name);

// `myst-upgrade --help` and `myst-upgrade COMMAND --help`.
QString usageText();
QString commandHelpText(const CommandSpec& command);

} // namespace myst
