// backdrop-serve: serves the current bundle of a publish target over HTTP, follows new publishes,
// learns online from feedback and logs impressions and clicks for `backdrop bandit` and the studio.
//
//   backdrop-serve --bundles DIR --listen 127.0.0.1:8080 [--log-dir DIR] [--threads N]
//                  [--max-body BYTES] [--watch-interval-ms N]
//
// `--listen HOST:0` binds a free port; the first line on stdout names the address either way.
// SIGINT and SIGTERM stop the server gracefully: requests in flight finish, logs are flushed.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/serve/serve_http.h"
#include "core/export/bundle_reader.h"
#include "core/serving/bundle_watcher.h"
#include "core/serving/decision_engine.h"
#include "core/serving/impression_writer.h"
#include "core/serving/serving_metrics.h"

#include <httplib.h>  // after Eigen, see serve_http.h

namespace {

using namespace backdrop;

struct ServeOptions {
  std::string bundles;
  std::string listen = "127.0.0.1:8080";
  std::string log_dir;
  serve::HttpSettings http;
  int watch_interval_ms = 1000;
  int log_flush_ms = 500;
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

ListenAddress parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + text + "'");
  ListenAddress address{text.substr(0, colon), 0};
  try {
    std::size_t used = 0;
    address.port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || address.port < 0 || address.port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw CLI::ValidationError("--listen", "'" + text.substr(colon + 1) + "' is not a port (0-65535)");
  }
  return address;
}

// Blocks SIGINT and SIGTERM in every thread started after this call, so that only the stopper
// thread (sigwait) sees them.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int run(const ServeOptions& options) {
  const auto signals = block_stop_signals();
  const auto address = parse_listen(options.listen);

  serving::ServingMetrics metrics;
  std::unique_ptr<serving::ImpressionWriter> writer;
  if (!options.log_dir.empty()) {
    writer = std::make_unique<serving::ImpressionWriter>(options.log_dir, std::chrono::milliseconds(options.log_flush_ms));
  } else {
    spdlog::warn("no --log-dir: impressions and clicks are not logged");
  }
  serving::DecisionEngine engine({}, writer.get());
  serving::BundleWatcher watcher({options.bundles, std::chrono::milliseconds(options.watch_interval_ms)}, engine, metrics,
                                 [](const std::filesystem::path& folder) { return exporting::load_bundle(folder); });
  if (!watcher.poll_once()) spdlog::warn("{}: no bundle to serve yet; /healthz answers 503 until one is published", options.bundles);
  watcher.start();

  httplib::Server server;
  serve::configure_server(server, engine, metrics, options.http);
  const int port = address.port == 0 ? server.bind_to_any_port(address.host) : (server.bind_to_port(address.host, address.port) ? address.port : -1);
  if (port < 0) {
    spdlog::error("cannot listen on {}", options.listen);
    return 1;
  }
  std::printf("listening on %s:%d\n", address.host.c_str(), port);
  std::fflush(stdout);

  // stop() before the server runs is lost, so the stopper repeats it until listening has ended.
  std::atomic<bool> listening_ended{false};
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    if (listening_ended) return;
    spdlog::info("signal {}: stopping", signal);
    while (!listening_ended) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const bool served = server.listen_after_bind();
  listening_ended = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the stopper if no signal came
  stopper.join();

  watcher.stop();
  if (writer) writer->flush();
  spdlog::info("stopped; {} decisions awaiting feedback are dropped", engine.pending_decisions());
  return served ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  ServeOptions options;
  CLI::App app{"backdrop-serve: decisions over HTTP from the current push bundle"};
  app.add_option("--bundles", options.bundles, "Publish target: CURRENT and versions/<version>/")->required();
  app.add_option("--listen", options.listen, "HOST:PORT to listen on (port 0: any free port)");
  app.add_option("--log-dir", options.log_dir, "Folder for the impression logs, one <category>.jsonl per category");
  app.add_option("--threads", options.http.threads, "HTTP worker threads (= connections served at once)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--max-body", options.http.max_body_bytes, "Largest request body in bytes")->check(CLI::PositiveNumber);
  app.add_option("--watch-interval-ms", options.watch_interval_ms, "How often CURRENT is checked")
      ->check(CLI::Range(10, 3600000));
  app.add_option("--log-flush-ms", options.log_flush_ms, "How often buffered log lines are written")
      ->check(CLI::Range(10, 60000));
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options);
  } catch (const CLI::Error& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
}
