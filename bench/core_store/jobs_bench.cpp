// Job bookkeeping costs: how long the queue claim, cache lookup and commit of one variant take
// (every image already cached, so nothing is rendered), and how many trivial variants four
// workers finish per second. On the project file (SQLite) and, given a URL, on PostgreSQL.
//
//   bench_core_store_jobs [--variants N] [--postgres postgresql://user@host:port/db]
//
// Each of the four workers is a separate queue connection and worker id, like four processes.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/generation/jobs_runner.h"
#include "core/store/postgres_connection.h"
#include "core/store/project.h"

using namespace backdrop;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWorkers = 4;

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("backdrop-bench-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `count` studio-backdrop variants; `tag` makes their keys differ from earlier runs'.
std::vector<VariantInputs> make_variants(int count, const std::string& tag) {
  std::vector<VariantInputs> variants;
  for (int i = 0; i < count; ++i) {
    auto inputs = make_variant_inputs();
    inputs.product_id = "p" + std::to_string(i);
    inputs.product_image_sha256 = tag + std::to_string(i);
    inputs.placement = {0, "centre", 512, 512, 0.5, 0.5, 0.6};
    inputs.prompt = "product photo on a clean studio backdrop, soft light";
    inputs.colour = "#e8e4dc";
    inputs.seed = static_cast<uint64_t>(i);
    variants.push_back(inputs);
  }
  return variants;
}

std::string fresh_database(const std::string& postgres_url, const std::string& name) {
  if (!postgres_url.empty()) return postgres_url;
  const auto file = scratch(name) / "bench.backdrop";
  Project::create(file);
  return file.string();
}

// The SQLite queue's commits store variants in the project, which needs their products.
void seed_products(const std::string& database, const std::vector<VariantInputs>& variants) {
  if (is_postgres_url(database)) return;
  auto project = Project::open(database);
  Transaction transaction(project.database());
  for (const auto& v : variants) project.products().upsert({0, v.product_id, "studio", "Product", "/p.jpg", "h", 0});
  transaction.commit();
}

// Per-variant bookkeeping with every image already in the cache: claim, lookup, hash, commit.
void bookkeeping(const std::string& backend, const std::string& postgres_url, int count) {
  const auto database = fresh_database(postgres_url, "bookkeeping");
  const auto job = "bookkeeping-" + std::to_string(std::time(nullptr));
  const auto variants = make_variants(count, job);
  seed_products(database, variants);
  const CacheStore cache(scratch("bookkeeping-cache"));
  SolidColourRenderer renderer;
  for (const auto& variant : variants) {
    const auto key = variant_key(variant);
    const auto temporary = cache.temporary_path(key);
    renderer.render(variant, temporary, {});
    std::filesystem::rename(temporary, cache.path_for(key));
  }
  auto queue = open_job_queue(database, job);
  queue->submit(variants);
  JobRunOptions options;
  options.threads = 1;
  const auto start = Clock::now();
  const auto summary = run_job(*queue, renderer, cache, options);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << std::left << std::setw(11) << backend << " bookkeeping, 1 thread: " << std::fixed
            << std::setprecision(3) << seconds * 1e3 / count << " ms/variant over " << count << " variants ("
            << summary.reused << " reused, " << summary.rendered << " rendered)\n";
}

// Four workers, each with its own queue connection, on variants the solid renderer draws.
void throughput(const std::string& backend, const std::string& postgres_url, int count) {
  const auto database = fresh_database(postgres_url, "throughput");
  const auto job = "throughput-" + std::to_string(std::time(nullptr));
  const auto variants = make_variants(count, job);
  seed_products(database, variants);
  open_job_queue(database, job)->submit(variants);
  const CacheStore cache(scratch("throughput-cache"));
  SolidColourRenderer renderer;
  std::vector<int64_t> rendered(kWorkers);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto queue = open_job_queue(database, job);
      JobRunOptions options;
      options.worker_id = "bench-worker-" + std::to_string(w);
      options.poll = std::chrono::milliseconds(20);
      rendered[w] = run_job(*queue, renderer, cache, options).rendered;
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  int64_t total = 0;
  for (const auto r : rendered) total += r;
  std::cout << std::left << std::setw(11) << backend << " throughput, " << kWorkers << " workers x 1 thread: "
            << std::fixed << std::setprecision(1) << total / seconds << " variants/s (" << total
            << " 512x512 PNGs in " << std::setprecision(2) << seconds << " s)\n";
}

}  // namespace

int main(int argc, char** argv) {
  int bookkeeping_count = 2000;
  int throughput_count = 10000;
  std::string postgres_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--variants") throughput_count = std::atoi(argv[i + 1]);
    if (flag == "--bookkeeping-variants") bookkeeping_count = std::atoi(argv[i + 1]);
    if (flag == "--postgres") postgres_url = argv[i + 1];
  }
  std::cout << "bench_core_store_jobs: hardware threads " << std::thread::hardware_concurrency() << "\n";
  try {
    bookkeeping("sqlite", "", bookkeeping_count);
    if (!postgres_url.empty()) bookkeeping("postgresql", postgres_url, bookkeeping_count);
    throughput("sqlite", "", throughput_count);
    if (!postgres_url.empty()) throughput("postgresql", postgres_url, throughput_count);
    if (postgres_url.empty()) std::cout << "postgresql: skipped (give --postgres URL)\n";
  } catch (const std::exception& error) {
    std::cerr << "bench_core_store_jobs: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
