// A job worker for tests: the crash test kills it at random moments, the PostgreSQL test runs
// several at once.
//
//   core_generation_jobs_worker run <db> <cache> <job> <threads> <render_ms> <lease_ms> <render_log>
//   core_generation_jobs_worker submit <db> <job> <count>     (synthetic variants, for PostgreSQL)
//   core_generation_jobs_worker pause <db> <job>              (an existing job only)
//
// Every finished render appends its key to <render_log>, so tests can count how often each
// variant was drawn.

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "core/generation/jobs_control.h"
#include "core/generation/jobs_runner.h"

using namespace backdrop;

namespace {

class LoggingRenderer : public VariantRenderer {
 public:
  LoggingRenderer(std::chrono::milliseconds work, const std::string& log)
      : inner_(work), log_(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
    if (log_ < 0) throw std::runtime_error(log + ": cannot open the render log");
  }
  ~LoggingRenderer() override { ::close(log_); }
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override {
    inner_.render(inputs, output, cancel);
    const auto line = variant_key(inputs) + "\n";
    if (::write(log_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      throw std::runtime_error("cannot append to the render log");
    }
  }

 private:
  SolidColourRenderer inner_;
  int log_;
};

std::vector<VariantInputs> synthetic_variants(int count) {
  std::vector<VariantInputs> variants;
  for (int i = 0; i < count; ++i) {
    auto inputs = make_variant_inputs();
    inputs.product_id = "p" + std::to_string(i);
    inputs.product_image_sha256 = "image-" + std::to_string(i);
    inputs.placement = {0, "centre", 32, 32};
    inputs.prompt = "studio backdrop";
    inputs.seed = static_cast<uint64_t>(i);
    variants.push_back(inputs);
  }
  return variants;
}

int run(const std::vector<std::string>& args) {
  auto queue = open_job_queue(args[0], args[2]);
  const CacheStore cache(args[1]);
  LoggingRenderer renderer(std::chrono::milliseconds(std::stoi(args[4])), args[6]);
  JobRunOptions options;
  options.threads = std::stoi(args[3]);
  options.lease = std::chrono::milliseconds(std::stoi(args[5]));
  options.poll = std::chrono::milliseconds(20);
  const auto summary = run_job(*queue, renderer, cache, options);
  std::cout << to_string(summary.outcome) << " rendered=" << summary.rendered << " reused=" << summary.reused
            << " done=" << summary.progress.done << "/" << summary.progress.total() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 8 && args[0] == "run") return run({args.begin() + 1, args.end()});
    if (args.size() == 4 && args[0] == "submit") {
      std::cout << open_job_queue(args[1], args[2])->submit(synthetic_variants(std::stoi(args[3]))) << "\n";
      return 0;
    }
    if (args.size() == 3 && args[0] == "pause") {
      open_existing_job_queue(args[1], args[2])->set_state(JobState::paused);
      return 0;
    }
    if (args.size() == 3 && args[0] == "cancel") {
      cancel_job(*open_existing_job_queue(args[1], args[2]));
      return 0;
    }
    std::cerr << "usage: core_generation_jobs_worker run <db> <cache> <job> <threads> <render_ms> <lease_ms> <log>\n"
                 "       core_generation_jobs_worker submit <db> <job> <count>\n"
                 "       core_generation_jobs_worker pause|cancel <db> <job>\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "core_generation_jobs_worker: " << error.what() << "\n";
    return 1;
  }
}
