// Load benchmark of backdrop-serve's POST /v1/decide: a bundle with 8 arms and a 64-feature
// context is published to a target folder, the real backdrop-serve binary serves it on loopback,
// and wrk (closed loop, --latency) drives it at increasing connection counts, then paced towards a
// request rate with wrk's per-request delay, during which a new bundle is published to check that
// the switch costs no errors. Prints p50/p99 and req/s of every run with the load average.
//
// In process it also measures the experiment assignment alone (user id from the context, hash,
// cut by shares; per call, p50/p99) and one decision with the category's experiment off and on.
// --experiments serves the bundle with an experiment (5% original, 5% random-prompt, 90%
// personalised) and sends a user id with every request.
//
//   bench_serve_decide [--duration 10] [--connections 1,2,4,8,16] [--rate 5000] [--server-threads 64]
//                      [--wrk-threads 2] [--serve PATH] [--work DIR] [--in-process-only] [--experiments]

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/experiment/group_assignment.h"
#include "core/serving/decision_engine.h"
#include "core/serving/experiment_groups.h"
#include "core/serving/impression_writer.h"
#include "core/serving/synthetic_bundle.h"

#include <httplib.h>  // after Eigen, see app/serve/serve_http.h

namespace {

namespace fs = std::filesystem;
using namespace backdrop;

struct Options {
  int duration_s = 10;
  std::vector<int> connections{1, 2, 4, 8, 16};
  int rate = 5000;
  int server_threads = 64;  // backdrop-serve's default
  int wrk_threads = 2;
  std::string serve = BACKDROP_SERVE_EXECUTABLE;
  std::string work;
  bool in_process_only = false;
  bool experiments = false;
};

experiment::Experiment bench_experiment() {
  using enum experiment::GroupKind;
  return {
      "bench",
      "salt",
      "shoes",
      "original",
      {{"original", original, 0.05, ""}, {"random", random_prompt, 0.05, ""}, {"personalised", personalised, 0.9, ""}}};
}

serving::SyntheticCategorySpec bench_spec(int generation, bool experiments) {
  serving::SyntheticCategorySpec spec;
  spec.arms = 8;
  spec.features = 64;
  spec.products.clear();
  for (int i = 0; i < 20; ++i) spec.products.push_back("sku-" + std::to_string(i));
  spec.placements = {"home", "search"};
  for (int k = 0; k < spec.arms; ++k) spec.prior_ctr.push_back(0.01 * (1 + (k + generation) % spec.arms));
  spec.policy.epsilon = 0.05;
  if (experiments) spec.experiment = bench_experiment();
  return spec;
}

std::string publish(const fs::path& target, int generation, bool experiments) {
  return serving::publish_synthetic_bundle(target, bench_spec(generation, experiments));
}

std::string load_average();

// With `users`, each context carries a user id (context.user.id).
std::vector<std::string> decide_bodies(bool users) {
  const auto spec = bench_spec(0, false);
  const auto schema = serving::synthetic_schema(spec.features);
  std::vector<std::string> bodies;
  for (int i = 0; i < 64; ++i) {
    nlohmann::json body{{"category", spec.name},
                        {"product", spec.products[static_cast<std::size_t>(i) % spec.products.size()]},
                        {"placement", spec.placements[static_cast<std::size_t>(i) % 2]},
                        {"context", serving::synthetic_context(schema, static_cast<uint64_t>(i))}};
    if (users) body["context"]["user"]["id"] = "user-" + std::to_string(1000003 * i);
    bodies.push_back(body.dump());
  }
  return bodies;
}

struct Percentiles {
  double mean, p50, p99;
};

Percentiles percentiles_of(std::vector<double>& micros, double total_seconds) {
  std::sort(micros.begin(), micros.end());
  return {total_seconds * 1e6 / static_cast<double>(micros.size()), micros[micros.size() / 2],
          micros[micros.size() * 99 / 100]};
}

// The assignment alone, per call: the user id read from a request's context, hashed with the
// salt and experiment id, and cut by the shares. Each call is timed (the clock reads are included).
void measure_assignment() {
  const experiment::GroupAssigner assigner(bench_experiment());
  constexpr int kCalls = 1000000;
  std::vector<nlohmann::json> contexts;
  for (int i = 0; i < 1024; ++i) contexts.push_back({{"user", {{"id", "user-" + std::to_string(i * 7919)}}}});
  std::vector<double> micros;
  micros.reserve(kCalls);
  std::string buffer;
  std::size_t checksum = 0;
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    const auto& context = contexts[static_cast<std::size_t>(i) % contexts.size()];
    const auto started = std::chrono::steady_clock::now();
    const auto user = serving::user_id_of(context, buffer);
    checksum += assigner.group_of_user(*user);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const auto p = percentiles_of(micros, total);
  std::printf(
      "assignment, 1 thread, %d calls (user id from the context + hash + cut): p50 %.3f us, p99 %.3f us, "
      "max %.1f us (checksum %zu); load average %s\n",
      kCalls, p.p50, p.p99, micros.back(), checksum, load_average().c_str());
}

// What one decision costs without HTTP, on one thread: parsing the body, deciding, logging the
// impression, and the feedback update.
void measure_in_process(const fs::path& work, bool experiments) {
  serving::ImpressionWriter writer(work / (experiments ? "in-process-logs-experiments" : "in-process-logs"),
                                   std::chrono::milliseconds(500));
  serving::DecisionEngine engine({}, &writer);
  auto bundle = std::make_shared<exporting::Bundle>();
  bundle->manifest.version = "in-process";
  bundle->categories["shoes"] = serving::synthetic_category(bench_spec(0, experiments));
  engine.load(std::move(bundle));
  const auto bodies = decide_bodies(experiments);
  const int rounds = 20000;
  std::vector<double> micros;
  micros.reserve(rounds);
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const auto body = nlohmann::json::parse(bodies[static_cast<std::size_t>(i) % bodies.size()]);
    const auto decision =
        engine.decide({body["category"].get_ref<const std::string&>(), body["product"].get_ref<const std::string&>(),
                       body["placement"].get_ref<const std::string&>(), body["context"], started});
    if (i % 10 == 0) engine.feedback(decision.id, i % 20 == 0);
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const auto p = percentiles_of(micros, total);
  std::printf(
      "in-process, 1 thread, experiments %-3s %d decisions (parse + decide + log, feedback on 1 in 10): %.1f us "
      "mean, p50 %.1f us, p99 %.1f us, %.0f decisions/s; load average %s\n",
      experiments ? "on," : "off,", rounds, p.mean, p.p50, p.p99, rounds / total, load_average().c_str());
}

std::string lua_string(const std::string& text) {
  return "[==[" + text + "]==]";
}

// A wrk script posting 64 different decide bodies in turn; with `delay_ms` > 0 each connection
// waits that long before each request (wrk's pacing hook).
fs::path write_wrk_script(const fs::path& folder, int delay_ms, bool users) {
  std::ostringstream lua;
  lua << "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nbodies = {\n";
  for (const auto& body : decide_bodies(users)) lua << "  " << lua_string(body) << ",\n";
  lua << "}\ncounter = 0\nrequest = function()\n  counter = counter % #bodies + 1\n"
      << "  return wrk.format(nil, \"/v1/decide\", nil, bodies[counter])\nend\n";
  if (delay_ms > 0) lua << "delay = function() return " << delay_ms << " end\n";
  const auto path = folder / (delay_ms > 0 ? "decide_paced.lua" : "decide.lua");
  std::ofstream(path) << lua.str();
  return path;
}

struct ServerProcess {
  FILE* output = nullptr;  // its stdout; pclose() waits for it
  int port = 0;
  pid_t pid = -1;
};

ServerProcess start_server(const Options& options, const fs::path& target, const fs::path& logs) {
  const auto command = options.serve + " --bundles " + target.string() + " --listen 127.0.0.1:0 --log-dir " +
                       logs.string() + " --threads " + std::to_string(options.server_threads) +
                       " --watch-interval-ms 100";
  ServerProcess server{popen(command.c_str(), "r")};
  char line[256] = {};
  std::cmatch match;
  if (!server.output || !std::fgets(line, sizeof line, server.output) ||
      !std::regex_search(line, match, std::regex(":([0-9]+) \\(pid ([0-9]+)\\)"))) {
    throw std::runtime_error(std::string("backdrop-serve did not start: ") + line);
  }
  server.port = std::stoi(match[1]);
  server.pid = std::stoi(match[2]);
  return server;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double to_ms(double value, const std::string& unit) {
  if (unit == "us") return value / 1000.0;
  if (unit == "s") return value * 1000.0;
  return value;
}

struct WrkResult {
  double p50_ms = 0, p99_ms = 0, rate = 0;
  long long requests = 0, non_2xx = 0, socket_errors = 0;
};

WrkResult run_wrk(const Options& options, int port, int connections, const fs::path& script) {
  std::ostringstream command;
  command << "wrk -t" << std::min(options.wrk_threads, connections) << " -c" << connections << " -d"
          << options.duration_s << "s --latency -s " << script.string() << " http://127.0.0.1:" << port
          << "/v1/decide 2>&1";
  FILE* pipe = popen(command.str().c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run wrk");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  pclose(pipe);

  WrkResult result;
  std::smatch match;
  const auto percentile = [&](const char* which) {
    if (!std::regex_search(output, match, std::regex(std::string("\\s") + which + "%\\s+([0-9.]+)(us|ms|s)"))) {
      throw std::runtime_error("no " + std::string(which) + "% latency in wrk's output:\n" + output);
    }
    return to_ms(std::stod(match[1]), match[2]);
  };
  result.p50_ms = percentile("50");
  result.p99_ms = percentile("99");
  if (std::regex_search(output, match, std::regex("Requests/sec:\\s+([0-9.]+)"))) result.rate = std::stod(match[1]);
  if (std::regex_search(output, match, std::regex("([0-9]+) requests in"))) result.requests = std::stoll(match[1]);
  if (std::regex_search(output, match, std::regex("Non-2xx or 3xx responses: ([0-9]+)")))
    result.non_2xx = std::stoll(match[1]);
  if (std::regex_search(
          output, match,
          std::regex("Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)"))) {
    for (int i = 1; i <= 4; ++i) result.socket_errors += std::stoll(match[i]);
  }
  return result;
}

void print_row(const char* label, int connections, const WrkResult& result) {
  std::printf("%-16s %5d %12.0f %9.3f %9.3f %10lld %8lld %8lld   %s\n", label, connections, result.rate, result.p50_ms,
              result.p99_ms, result.requests, result.non_2xx, result.socket_errors, load_average().c_str());
  std::fflush(stdout);
}

long long count_lines(const fs::path& file) {
  std::ifstream in(file);
  return std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
}

int run(const Options& options) {
  const fs::path work =
      options.work.empty() ? fs::temp_directory_path() / "backdrop-bench-serve" : fs::path(options.work);
  fs::remove_all(work);
  const auto target = work / "target";
  const auto first = publish(target, 0, options.experiments);
  const auto closed_loop = write_wrk_script(work, 0, options.experiments);

  const auto paced = write_wrk_script(work, 1, options.experiments);
  measure_assignment();
  measure_in_process(work, false);
  measure_in_process(work, true);
  std::printf("\n");
  if (options.in_process_only) return 0;

  auto server = start_server(options, target, work / "logs");
  std::printf("backdrop-serve pid %d on 127.0.0.1:%d, %d server threads, bundle %s (8 arms, 64 features, %s)\n",
              server.pid, server.port, options.server_threads, first.c_str(),
              options.experiments ? "experiment 5/5/90, user ids sent" : "no experiment");
  std::printf("wrk: %d threads, %d s per run, %u cores\n\n", options.wrk_threads, options.duration_s,
              std::thread::hardware_concurrency());
  std::printf("%-16s %5s %12s %9s %9s %10s %8s %8s   %s\n", "run", "conns", "req/s", "p50 ms", "p99 ms", "requests",
              "non-2xx", "sockerr", "loadavg (1 5 15 min)");
  long long total_requests = 0;
  for (const int connections : options.connections) {
    const auto result = run_wrk(options, server.port, connections, closed_loop);
    total_requests += result.requests;
    print_row("closed loop", connections, result);
  }

  // Paced: each connection waits 1 ms (wrk's delay, a timer of its event loop) before each
  // request. Short runs tell what one connection sends at a given count, and so how many
  // connections make the asked rate; a connection sends less when more share the cores, so the
  // count is corrected from a run at the estimated count until one comes within 5% of the rate
  // (three tries at most). The run itself may still land off the rate: its req/s is printed.
  auto calibration = options;
  calibration.duration_s = 2;
  int paced_connections = 4;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto calibrated = run_wrk(calibration, server.port, paced_connections, paced);
    total_requests += calibrated.requests;
    const double per_connection = calibrated.rate / paced_connections;
    const int needed = std::max(1, static_cast<int>(std::lround(options.rate / std::max(per_connection, 1.0))));
    std::printf("paced: %d connections send %.0f requests/s (%.0f each) -> %d connections for %d requests/s\n",
                paced_connections, calibrated.rate, per_connection, needed, options.rate);
    if (std::abs(calibrated.rate - options.rate) <= 0.05 * options.rate || needed == paced_connections) break;
    paced_connections = needed;
  }

  // Paced, with a bundle switch halfway through.
  std::string second;
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.duration_s * 500));
    second = publish(target, 1, options.experiments);
  });
  const auto result = run_wrk(options, server.port, paced_connections, paced);
  publisher.join();
  total_requests += result.requests;
  print_row("paced + switch", paced_connections, result);

  httplib::Client client("127.0.0.1", server.port);
  const auto health = client.Get("/healthz");
  const auto metrics = client.Get("/metrics");
  const bool switched = health && health->body.find(second) != std::string::npos;
  std::printf("\nbundle switch during the paced run: %s -> %s, %s; non-2xx %lld, socket errors %lld\n", first.c_str(),
              second.c_str(), switched ? "serving the new one" : "NOT SWITCHED", result.non_2xx, result.socket_errors);
  if (metrics) {
    std::istringstream lines(metrics->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("backdrop_serve_bundle_reloads_total") ||
          line.starts_with("backdrop_serve_latency_fallbacks_total{") ||
          line.starts_with("backdrop_serve_decide_seconds_count") ||
          line.starts_with("backdrop_serve_decide_seconds_sum")) {
        std::printf("  %s\n", line.c_str());
      }
    }
  }

  kill(server.pid, SIGTERM);
  const int status = pclose(server.output);
  const auto logged = count_lines(work / "logs" / "shoes.jsonl");
  std::printf("SIGTERM: backdrop-serve exited with %d; %lld impressions logged for %lld answered requests\n",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1, logged, total_requests);
  return switched && result.non_2xx == 0 && result.socket_errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Load benchmark of backdrop-serve's POST /v1/decide with wrk"};
  app.add_option("--duration", options.duration_s, "Seconds per wrk run")->check(CLI::Range(1, 600));
  app.add_option("--connections", options.connections, "Closed-loop runs: wrk connections of each")->delimiter(',');
  app.add_option("--rate", options.rate, "Paced run: requests/s to aim at")->check(CLI::PositiveNumber);
  app.add_option("--server-threads", options.server_threads, "backdrop-serve --threads")->check(CLI::PositiveNumber);
  app.add_option("--wrk-threads", options.wrk_threads, "wrk -t")->check(CLI::PositiveNumber);
  app.add_option("--serve", options.serve, "The backdrop-serve executable")->check(CLI::ExistingFile);
  app.add_option("--work", options.work, "Scratch folder (bundles, logs, wrk scripts)");
  app.add_flag("--in-process-only", options.in_process_only, "Measure the decision without HTTP only");
  app.add_flag("--experiments", options.experiments,
               "Serve a bundle with an experiment (5% original, 5% random-prompt, 90% personalised), user ids sent");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_serve_decide: %s\n", error.what());
    return 1;
  }
}
