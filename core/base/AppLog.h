#pragma once

#include <QString>

#include <memory>

#include <spdlog/logger.h>

namespace myst::log {

// The application's own log: a rotating file under the state folder (and stderr when asked).
// One logger per component. Never pass a secret to any of them.
void init(const QString& directory, bool alsoToStderr = false);

// Writes out what every logger holds (before the process ends).
void flush();

std::shared_ptr<spdlog::logger> app();
std::shared_ptr<spdlog::logger> ssh();
std::shared_ptr<spdlog::logger> runner();
std::shared_ptr<spdlog::logger> keychain();

} // namespace myst::log
