// `backdrop`: the command-line face of the engine. Every command listed by --help works.

#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "core/engine/engine_info.h"

namespace {

void print_version() {
  const auto info = backdrop::engine_info();
  std::cout << "backdrop " << info.version << "\n"
            << "libtorch " << info.torch_version << "\n"
            << "device   " << info.device << "\n"
            << "threads  " << info.threads << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Backdrop: generated backgrounds for catalogue products", "backdrop"};
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version, libtorch version, device and thread count");
  int threads = 0;
  app.add_option("--threads", threads, "CPU threads for the engine (0 = one per core)")->check(CLI::NonNegativeNumber);
  app.require_subcommand(0, 1);
  // Runs before any subcommand's callback, so every command sees the thread setting.
  app.parse_complete_callback([&] { backdrop::configure_engine_threads(threads); });

  int exit_code = 0;
  // Subcommands (app/cli/*_command.cpp) register here.
  backdrop::cli::add_prepare_command(app, exit_code);
  backdrop::cli::add_bandit_command(app, exit_code);
  backdrop::cli::add_project_command(app, exit_code);
  backdrop::cli::add_worker_command(app, exit_code);
  backdrop::cli::add_txt2img_command(app, exit_code);
  backdrop::cli::add_generate_command(app, exit_code);
  backdrop::cli::add_push_command(app, exit_code);
  backdrop::cli::add_experiment_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    std::cerr << "backdrop: " << error.what() << "\n";
    return 1;
  }
  if (show_version) {
    print_version();
    return 0;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
    return 0;
  }
  return exit_code;
}
