#pragma once
// The subcommands of `backdrop`, one file each in app/cli/. Each registers itself on the app; its
// callback does the work, sets `exit_code` (0, or kExitPartialFailure when some items failed) and
// reports fatal failures as exceptions with context, which main() prints.

#include <CLI/CLI.hpp>

namespace backdrop::cli {

// Exit code a command sets when it ran but some items failed (the summary says which).
inline constexpr int kExitPartialFailure = 3;

// Registration functions, in the order --help lists them.
// void add_prepare_command(CLI::App& app, int& exit_code);
void add_bandit_command(CLI::App& app, int& exit_code);

}  // namespace backdrop::cli
