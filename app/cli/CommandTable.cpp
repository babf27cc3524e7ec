#include "app/cli/CommandTable.h"

#include "app/cli/commands/Commands.h"

#include <QStringList>

#include <algorithm>

namespace myst {

namespace {

// The same option means the same in every command: one description each.
const OptionHelp Site{"site", "SITE", "The site file (JSON) that names the hosts by role."};
const OptionHelp Role{"role", "ROLE", "Only the host with this role (e.g. prod or nonprod)."};
const OptionHelp Yes{"yes", nullptr, "Do not ask: confirm that this changes the hosts."};
const OptionHelp Approach{"approach", "APPROACH",
                          "How to upgrade: in place on one host, phased (nonprod is "
                          "upgraded and verified first, then, after a gate, prod), or "
                          "zero-downtime (blue/green: the idle instance is upgraded with the "
                          "active one's data, then traffic is switched to it).",
                          "in-place, phased, zero-downtime"};
const OptionHelp Switched{"switched", nullptr,
                          "Zero-downtime with a manual switch: the change (DNS) is made. --yes "
                          "alone stops at the manual switch and says what to change."};
const OptionHelp Version{"version", "V",
                         "The MyST Studio release to upgrade to, e.g. 7.2.0.1; may be left out "
                         "with --image-tar (the archive's tag names it)."};
const OptionHelp ImageTar{"image-tar", "FILE",
                          "An offline image (docker save archive, .tar or .tar.gz): uploaded, "
                          "checked and loaded in place of pull.sh."};
const OptionHelp CopyProdData{"copy-prod-data", nullptr,
                              "Phased only: restore production's backup on non-production "
                              "before upgrading it."};
const OptionHelp KeepProdCopy{"keep-prod-copy", nullptr,
                              "With --copy-prod-data: keep that copy of production's data on "
                              "non-production afterwards (removed by default)."};
const OptionHelp Last{"last", nullptr, "The newest such run of this site in the journal."};
const OptionHelp Run{"run", "RUN_ID", "The run with this ID (as `myst-upgrade runs` lists it)."};

const char* const ApproachDetails =
    "APPROACH is in-place, or phased: hosts nonprod then prod. Non-production is backed up, "
    "upgraded and verified; then a gate (--yes answers it); then production's steps, which stop "
    "short of stop.sh if production pulled another image than the one verified. Or "
    "zero-downtime: hosts blue and green and the site's blueGreen block; the idle instance gets "
    "the new image and the active one's data (the active one read-only meanwhile, always made "
    "writable again; changes made on it after its backup are lost), is verified, then traffic "
    "is switched to it (a command, or by hand with --switched) and recorded as active.";

const std::vector<CommandSpec> Table = {
    {"check",
     &commands::check,
     "--site SITE [--role ROLE]",
     "Connect to the site's hosts and run the pre-flight checks.",
     {Site, Role},
     "Checks the SSH login, the host key, docker (with or without sudo), the MyST scripts, free "
     "disk and the console, and says how to fix what fails. Changes nothing."},
    {"plan",
     &commands::plan,
     "--site SITE --approach APPROACH [--version V] [--image-tar FILE] [--role ROLE] "
     "[--copy-prod-data [--keep-prod-copy]]",
     "Print the steps an upgrade would run, without connecting.",
     {Site, Approach, Version, ImageTar, Role, CopyProdData, KeepProdCopy},
     ApproachDetails},
    {"upgrade",
     &commands::upgrade,
     "--site SITE --approach APPROACH [--version V] [--image-tar FILE] [--role ROLE] "
     "[--copy-prod-data [--keep-prod-copy]] [--switched] --yes",
     "Upgrade MyST Studio on the site's hosts, step by step as the vendor's guide says.",
     {Site, Approach, Version, ImageTar, Role, CopyProdData, KeepProdCopy, Switched, Yes},
     ApproachDetails},
    {"upload",
     &commands::upload,
     "--site SITE [--role ROLE] --image-tar FILE [--version V] --yes",
     "Upload an offline image to a host, verify it, docker load and tag it.",
     {Site, Role, ImageTar, Version, Yes},
     "The upload resumes from what is already on the host after a dropped connection; the "
     "archive is hashed (SHA-256) on both sides before it is used."},
    {"rollback",
     &commands::rollback,
     "--site SITE (--last | --run RUN_ID | --from-host [--run RUN_ID] | --image IMAGE "
     "--backup PATH) [--role ROLE] --yes",
     "Roll an upgrade back: the previous image and the backup taken before it.",
     {Site,
      Last,
      Run,
      {"from-host", nullptr,
       "From the record on the host (any laptop, no journal needed); the newest unless --run."},
      {"image", "IMAGE",
       "Without any record: the image (ID or tag) to go back to; checked on the host first."},
      {"backup", "PATH", "With --image: the database backup to restore (non-empty, readable)."},
      Role,
      Yes},
     "--last and --run read this computer's journal. --from-host reads the record every run "
     "writes on the host (<MyST home>/.myst-upgrade/records). --image and --backup roll back an "
     "upgrade done by hand; `myst-upgrade history` proposes the pair. Rolling back an earlier "
     "upgrade than the last one warns what is undone. An upgrade already rolled back is not rolled "
     "back again by --last or --from-host alone (that would restore its backup once more): name "
     "its run."},
    {"history",
     &commands::history,
     "--site SITE [--role ROLE]",
     "List what the host knows: upgrade records, MyST Studio images and database backups.",
     {Site, Role},
     "Newest first, with what a rollback of each would restore and lose; for a host upgraded by "
     "hand, the image and backup the guide implies (or why that is ambiguous). Changes nothing."},
    {"resume",
     &commands::resume,
     "--site SITE (--last | --run RUN_ID) [--retry | --accept] [--switched] --yes",
     "Continue an interrupted run, or a failed one from its failed step.",
     {Site,
      Last,
      Run,
      {"retry", nullptr,
       "Run the failed step again and go on, when it is safe to repeat (pull, start, restart, "
       "verify, backup, restore, copy, upload, load, the checks; not the site's switch "
       "program). Also runs again a step whose host restarted while it ran."},
      {"accept", nullptr,
       "Accept a failure that is a judgement (an error line in a start-up that completed, a "
       "console page without a version) and go on; the journal, the host's record and the "
       "report keep it as your decision, with who and when."},
      Switched,
      Yes},
     "A step that ended while nobody was connected is read from its status file on the host; "
     "one whose host restarted meanwhile (its boot ID changed) is never reattached: it fails "
     "saying so, or runs again with --retry. A failed run that was not rolled back, and is the "
     "site's newest, is unfinished too: --retry or --accept continues it; rollback undoes it. A "
     "zero-downtime run that stopped while the active instance was read-only turns read-only "
     "off first."},
    {"switch",
     &commands::switchTraffic,
     "--site SITE --to ROLE [--switched] --yes",
     "Zero-downtime: switch traffic to the other instance (blue or green), e.g. back.",
     {Site,
      {"to", "ROLE", "The instance to send traffic to: blue or green (not the active one)."},
      Switched,
      Yes},
     "Checks that the site and both hosts agree which instance is active and that the one "
     "switched to answers; runs the site's switch command (or, with a manual switch, needs "
     "--switched), checks the service URL when the site names one, and records the new active "
     "instance in the site file and on both hosts. After an upgrade, switching back is its "
     "rollback."},
    {"unlock",
     &commands::unlock,
     "--site SITE [--role ROLE] --yes",
     "Break a stale lock that a crashed run left on a host.",
     {Site, Role, Yes},
     "Only when no other wizard is working on that host."},
    {"runs",
     &commands::runs,
     "",
     "List the runs in this computer's journal, newest first.",
     {},
     "One line per run: run ID, kind, approach, target version, status, role=host pairs and "
     "the last message."},
    {"roles",
     &commands::roles,
     "--site SITE",
     "List the hosts the site file names: role, user@host:port and MyST home.",
     {Site},
     "Reads the site file only; does not connect."},
    {"secret",
     &commands::secret,
     "--site SITE --role ROLE [--jump N] [--delete]",
     "Store a host's password or key passphrase, read from standard input, in the keychain.",
     {Site,
      Role,
      {"jump", "N", "The secret of the role's Nth jump host (1: the first on the way) instead."},
      {"delete", nullptr, "Remove the stored secret instead."}},
     "The secret is read from standard input (not echoed on a terminal), never from an "
     "argument: arguments are visible to every user in ps. A jump host's secret is stored under "
     "its own user@host:port, shared by every host behind it. A one-time code is never stored: "
     "it is asked for on the terminal (or in the wizard) when the server wants one."},
    {"trust",
     &commands::trust,
     "--site SITE --role ROLE --fingerprint SHA256:...",
     "Add a host's key to the site's known_hosts, if it has that fingerprint.",
     {Site,
      Role,
      {"fingerprint", "SHA256:...",
       "The host key's fingerprint as the host prints it (ssh-keygen -lf "
       "/etc/ssh/ssh_host_ed25519_key.pub)."}},
     "Only the key exchange runs: no login, so no secret is sent to a host not yet trusted."},
};

const std::vector<OptionHelp> Common = {
    {"json", nullptr, "Print one JSON object per line instead of text."},
    {"help", nullptr, "Show this help and exit."},
};

const char* const ExitStatus = "Exit status:\n"
                               "  0  ok\n"
                               "  1  a step failed\n"
                               "  2  bad usage or input\n"
                               "  3  host key unknown or changed\n"
                               "  4  cannot connect or authenticate\n";

// Words of text in lines of at most `width` characters, each but the first indented.
QString wrapped(const QString& text, int indent, int width = 79)
{
    QString out;
    int column = indent;
    const QString pad(indent, QLatin1Char(' '));
    bool first = true;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!first && column + 1 + word.size() > width) {
            out += QLatin1Char('\n') + pad;
            column = indent;
        } else if (!first) {
            out += QLatin1Char(' ');
            ++column;
        }
        out += word;
        column += int(word.size());
        first = false;
    }
    return out;
}

QString optionLabel(const OptionHelp& option)
{
    QString label = QStringLiteral("--") + QLatin1String(option.name);
    if (option.argument) {
        label += QLatin1Char(' ') + QString::fromUtf8(option.argument);
    }
    return label;
}

QString optionLines(const std::vector<OptionHelp>& options)
{
    int width = 0;
    for (const OptionHelp& o : options)
        width = std::max(width, int(optionLabel(o).size()));
    const int column = 2 + width + 2;
    QString out;
    for (const OptionHelp& o : options) {
        QString description = QString::fromUtf8(o.description);
        if (o.choices) {
            description += QStringLiteral(" One of: %1.").arg(QLatin1String(o.choices));
        }
        out += QStringLiteral("  ") + optionLabel(o).leftJustified(width + 2) +
               wrapped(description, column) + QLatin1Char('\n');
    }
    return out;
}

bool anyOption(const QString& name, bool withValue)
{
    auto matches = [&](const OptionHelp& o) {
        return name == QLatin1String(o.name) && (o.argument != nullptr) == withValue;
    };
    if (std::any_of(Common.begin(), Common.end(), matches)) {
        return true;
    }
    return std::any_of(Table.begin(), Table.end(), [&](const CommandSpec& c) {
        return std::any_of(c.options.begin(), c.options.end(), matches);
    });
}

} // namespace

const std::vector<CommandSpec>& commandTable()
{
    return Table;
}

const CommandSpec* commandNamed(const QString& name)
{
    for (const CommandSpec& command : Table) {
        if (name == QLatin1String(command.name)) {
            return &command;
        }
    }
    return nullptr;
}

const std::vector<OptionHelp>& commonOptions()
{
    return Common;
}

bool isValueOption(const QString& name)
{
    return anyOption(name, true);
}

bool isFlagOption(const QString& name)
{
    return anyOption(name, false);
}

QString usageText()
{
    QString out = QStringLiteral("Usage: myst-upgrade COMMAND [OPTIONS]\n"
                                 "       myst-upgrade COMMAND --help\n"
                                 "       myst-upgrade --version\n\n");
    out += wrapped(QStringLiteral("Upgrade and roll back MyST Studio over SSH, step by step as "
                                  "the vendor's upgrade guide describes: the command-line twin "
                                  "of myst-upgrade-wizard, on the same core."),
                   0) +
           QStringLiteral("\n\nCommands:\n");
    int width = 0;
    for (const CommandSpec& c : Table)
        width = std::max(width, int(qstrlen(c.name)));
    for (const CommandSpec& c : Table) {
        out += QStringLiteral("  ") + QString::fromLatin1(c.name).leftJustified(width + 2) +
               wrapped(QString::fromUtf8(c.summary), width + 4) + QLatin1Char('\n');
    }
    out += QStringLiteral("\nOptions of every command:\n") + optionLines(Common);
    out += QStringLiteral("\nWithout a command:\n") +
           optionLines({{"help", nullptr, "Show this help and exit."},
                        {"version", nullptr, "Print the program's version and exit."}});
    out += QLatin1Char('\n') + wrapped(QString::fromUtf8(ApproachDetails), 0) +
           QStringLiteral("\n\n") + QString::fromLatin1(ExitStatus);
    out += QStringLiteral("\nRun `myst-upgrade COMMAND --help` for a command's options.\n");
    return out;
}

QString commandHelpText(const CommandSpec& command)
{
    QString out = wrapped(QStringLiteral("Usage: myst-upgrade %1 %2")
                              .arg(QLatin1String(command.name), QString::fromUtf8(command.synopsis))
                              .trimmed(),
                          4) +
                  QStringLiteral("\n\n") + wrapped(QString::fromUtf8(command.summary), 0) +
                  QStringLiteral("\n\nOptions:\n");
    std::vector<OptionHelp> options = command.options;
    options.insert(options.end(), Common.begin(), Common.end());
    out += optionLines(options);
    if (qstrlen(command.details) > 0) {
        out +=
            QLatin1Char('\n') + wrapped(QString::fromUtf8(command.details), 0) + QLatin1Char('\n');
    }
    return out + QLatin1Char('\n') + QString::fromLatin1(ExitStatus);
}

} // namespace myst
