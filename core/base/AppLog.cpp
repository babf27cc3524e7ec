#include "core/base/AppLog.h"

#include "core/base/TerminalText.h"

#include <QDir>
#include <QFile>

#include <mutex>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace myst::log {

namespace {
// Messages quote host text (a step's message, a server's error): an escape sequence in one
// (OSC 52 rewriting the clipboard, a window title, a cleared screen) would be obeyed by the
// terminal that shows the log with cat or tail. Every message is made plain first, as the CLI
// shows host lines, whatever the logger and whoever forgot.
class PlainSink : public spdlog::sinks::sink
{
public:
    explicit PlainSink(spdlog::sink_ptr inner) : m_inner(std::move(inner)) {}

    void log(const spdlog::details::log_msg& msg) override
    {
        const std::string plain =
            plainTerminalText(QString::fromUtf8(msg.payload.data(), qsizetype(msg.payload.size())))
                .toStdString();
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(plain.data(), plain.size());
        m_inner->log(copy);
    }
    void flush() override { m_inner->flush(); }
    void set_pattern(const std::string& pattern) override { m_inner->set_pattern(pattern); }
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override
    {
        m_inner->set_formatter(std::move(formatter));
    }

private:
    spdlog::sink_ptr m_inner;
};

std::mutex g_mutex;
std::vector<spdlog::sink_ptr> g_sinks{std::make_shared<spdlog::sinks::null_sink_mt>()};

std::shared_ptr<spdlog::logger> named(const char* name)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = std::make_shared<spdlog::logger>(name, g_sinks.begin(), g_sinks.end());
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::info);
    spdlog::register_logger(logger);
    return logger;
}
} // namespace

void flush()
{
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) { logger->flush(); });
}

void init(const QString& directory, bool alsoToStderr)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    QDir().mkpath(directory);
    const std::string file =
        QDir(directory).filePath(QStringLiteral("myst-upgrade.log")).toStdString();
    g_sinks.clear();
    g_sinks.push_back(std::make_shared<PlainSink>(
        std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 5 * 1024 * 1024, 3)));
    // The owner's only, whatever the umask when a test or an older version made it.
    QFile::setPermissions(QString::fromStdString(file), QFile::ReadOwner | QFile::WriteOwner);
    if (alsoToStderr) {
        g_sinks.push_back(
            std::make_shared<PlainSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
    }
    // Loggers made before init() get the new sinks too.
    spdlog::apply_all(
        [](const std::shared_ptr<spdlog::logger>& logger) { logger->sinks() = g_sinks; });
}

std::shared_ptr<spdlog::logger> app()
{
    return named("app");
}
std::shared_ptr<spdlog::logger> ssh()
{
    return named("ssh");
}
std::shared_ptr<spdlog::logger> runner()
{
    return named("runner");
}
std::shared_ptr<spdlog::logger> keychain()
{
    return named("keychain");
}

} // namespace myst::log
