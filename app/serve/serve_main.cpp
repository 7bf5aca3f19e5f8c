// backdrop-serve: serves the current bundle of a publish target over HTTP, follows new publishes,
// learns online from feedback and logs impressions and clicks for `backdrop bandit` and the studio.
//
//   backdrop-serve --bundles DIR --listen 127.0.0.1:8080 [--log-dir DIR] [--threads N]
//                  [--max-body BYTES] [--watch-interval-ms N] [--log-flush-ms N]
//                  [--max-pending N] [--pending-ttl-s S] [--decision-key FILE]
//
// `--listen HOST:0` binds a free port; the first line on stdout names the address either way:
// "listening on 127.0.0.1:8080 (pid 1234)". Everything logged goes to stderr.
// SIGINT and SIGTERM stop the server gracefully: requests in flight finish, logs are flushed.
// Decisions still awaiting feedback then lose only their online update: their impressions are in
// the log, and their clicks, whenever they come, are logged by whichever replica (or this one,
// restarted) receives them (202) and reach the priors offline.
//
// Decision ids are checked with the key in --decision-key, by default <bundles>/decision-ids.key,
// created when missing (see core/serving/decision_id.h): replicas on one publish target share it.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/serve/serve_http.h"
#include "app/serve/stop_signals.h"
#include "core/export/bundle_reader.h"
#include "core/serving/bundle_watcher.h"
#include "core/serving/decision_engine.h"
#include "core/serving/decision_id.h"
#include "core/serving/impression_writer.h"
#include "core/serving/serving_metrics.h"

#include <httplib.h>  // after Eigen, see serve_http.h

namespace {

using namespace backdrop;

struct ServeOptions {
  std::string bundles;
  std::string listen = "127.0.0.1:8080";
  std::string log_dir;
  std::string decision_key;  // default: <bundles>/decision-ids.key
  serve::HttpSettings http;
  serving::DecisionEngineOptions engine;
  int watch_interval_ms = 1000;
  int log_flush_ms = 500;
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

ListenAddress parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + text + "'");
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

int run(ServeOptions options) {
  // Before any thread starts, so that every thread leaves the stop signals to the stopper.
  httplib::Server server;
  serve::StopSignals stopper([&server] { server.stop(); });
  const auto address = parse_listen(options.listen);
  const auto key_file = options.decision_key.empty() ? serving::decision_key_file(options.bundles)
                                                     : std::filesystem::path(options.decision_key);
  options.engine.id_key = serving::load_or_create_key(key_file);

  serving::ServingMetrics metrics;
  std::unique_ptr<serving::ImpressionWriter> writer;
  if (!options.log_dir.empty()) {
    writer =
        std::make_unique<serving::ImpressionWriter>(options.log_dir, std::chrono::milliseconds(options.log_flush_ms));
  } else {
    spdlog::warn("no --log-dir: impressions and clicks are not logged");
  }
  serving::DecisionEngine engine(options.engine, writer.get());
  serving::BundleWatcher watcher({options.bundles, std::chrono::milliseconds(options.watch_interval_ms)}, engine,
                                 metrics,
                                 [](const std::filesystem::path& folder) { return exporting::load_bundle(folder); });
  if (!watcher.poll_once())
    spdlog::warn("{}: no bundle to serve yet; /healthz answers 503 until one is published", options.bundles);
  watcher.start();

  serve::configure_server(server, engine, metrics, options.http);
  const int port = address.port == 0 ? server.bind_to_any_port(address.host)
                                     : (server.bind_to_port(address.host, address.port) ? address.port : -1);
  if (port < 0) {
    spdlog::error("cannot listen on {}", options.listen);
    return 1;
  }
  std::printf("listening on %s:%d (pid %d)\n", address.host.c_str(), port, static_cast<int>(getpid()));
  std::fflush(stdout);

  const bool served = server.listen_after_bind();
  stopper.ended();

  watcher.stop();
  if (writer) writer->flush();
  spdlog::info(
      "stopped; {} decisions awaiting feedback lose their online update (their clicks are still logged "
      "by whichever replica receives them)",
      engine.pending_decisions());
  return served ? 0 : 1;
}

int serve_main(int argc, char** argv) {
  // stdout carries the listening address; everything logged goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("backdrop-serve"));
  ServeOptions options;
  CLI::App app{"backdrop-serve: decisions over HTTP from the current push bundle"};
  app.add_option("--bundles", options.bundles, "Publish target: CURRENT and versions/<version>/")->required();
  app.add_option("--listen", options.listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  app.add_option("--log-dir", options.log_dir, "Folder for the impression logs, one <category>.jsonl per category");
  app.add_option("--decision-key", options.decision_key,
                 "Key file that signs decision ids, shared by the replicas (default: <bundles>/decision-ids.key, "
                 "created when missing)");
  app.add_option("--threads", options.http.threads, "HTTP worker threads (= connections served at once)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--max-body", options.http.max_body_bytes, "Largest request body in bytes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--watch-interval-ms", options.watch_interval_ms, "How often CURRENT is checked")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  app.add_option("--max-pending", options.engine.max_pending,
                 "Decisions kept for feedback (each about 8 bytes per context column + 200)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option_function<int>(
         "--pending-ttl-s", [&options](int seconds) { options.engine.pending_ttl = std::chrono::seconds(seconds); },
         "Seconds a decision is kept to learn from its feedback; later clicks are logged, not learned (default 3600)")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-flush-ms", options.log_flush_ms, "How often buffered log lines are written")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
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

}  // namespace

int main(int argc, char** argv) {
  try {
    return serve_main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "backdrop-serve: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "backdrop-serve: unknown error\n");
  }
  return 1;
}
