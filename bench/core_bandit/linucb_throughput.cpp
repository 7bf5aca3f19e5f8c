// LinUCB select + update throughput on the Open Bandit Dataset's men campaign, single core, with
// Open Bandit Pipeline's speed protocol (README of the bandit fixtures, `speed`): every round
// a = select(x_t), then update(a, click_t if a == item_t else 0, x_t); 10,000 rounds from a fresh
// policy, repeated; best and median. Also the per-decision latency (select only, p50 / p99), a
// dense-context variant and a naive port of obp's arithmetic for comparison.
//
// usage: bench_core_bandit_linucb [obd-campaign.csv] [repeats]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/bandit/lin_ucb.h"
#include "core/bandit/obd_dataset.h"
#include "core/bandit/random.h"

using namespace backdrop::bandit;
using Clock = std::chrono::steady_clock;

namespace {

// obp's LinUCB arithmetic as written (linear.py): theta_k = A_inv_k b_k and x A_inv_k x^T for every
// arm on every select; the update's numerator ((A_inv x^T) x) A_inv as an outer product followed
// by a d x d matrix product.
class NaiveLinUcb {
 public:
  NaiveLinUcb(int d, int k, double alpha)
      : alpha_(alpha), a_inverse_(static_cast<std::size_t>(k), Eigen::MatrixXd::Identity(d, d)),
        b_(static_cast<std::size_t>(k), Eigen::VectorXd::Zero(d)) {}

  int select(const Eigen::VectorXd& x) {
    int best = 0;
    double best_score = -1e300;
    for (std::size_t k = 0; k < a_inverse_.size(); ++k) {
      const Eigen::VectorXd theta = a_inverse_[k] * b_[k];
      const double score = x.dot(theta) + alpha_ * std::sqrt(x.dot(a_inverse_[k] * x));
      if (score > best_score + 1e-9 * std::max(1.0, std::abs(best_score))) {
        best = static_cast<int>(k);
        best_score = score;
      }
    }
    return best;
  }

  void update(int arm, double reward, const Eigen::VectorXd& x) {
    auto& a_inverse = a_inverse_[static_cast<std::size_t>(arm)];
    const Eigen::MatrixXd numerator = ((a_inverse * x) * x.transpose()) * a_inverse;
    a_inverse -= numerator / (1.0 + x.dot(a_inverse * x));
    b_[static_cast<std::size_t>(arm)] += reward * x;
  }

 private:
  double alpha_;
  std::vector<Eigen::MatrixXd> a_inverse_;
  std::vector<Eigen::VectorXd> b_;
};

// Wall time and this thread's CPU time: on a shared machine the CPU time leaves out the time the
// scheduler gave to other processes, so both are printed.
struct Stopwatch {
  Clock::time_point wall = Clock::now();
  double cpu = thread_cpu_seconds();

  static double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
  }
  double wall_seconds() const { return std::chrono::duration<double>(Clock::now() - wall).count(); }
  double cpu_seconds() const { return thread_cpu_seconds() - cpu; }
};

struct Rate {
  double wall = 0.0;  // rounds per wall-clock second
  double cpu = 0.0;   // rounds per CPU second of this thread
};

Rate rate_of(int64_t rounds, const Stopwatch& stopwatch) {
  return {static_cast<double>(rounds) / stopwatch.wall_seconds(), static_cast<double>(rounds) / stopwatch.cpu_seconds()};
}

struct Rates {
  Rate best;
  Rate median;
};

Rates summarise(std::vector<Rate> rates) {
  Rates result;
  for (double Rate::*field : {&Rate::wall, &Rate::cpu}) {
    std::sort(rates.begin(), rates.end(), [field](const Rate& a, const Rate& b) { return a.*field < b.*field; });
    result.best.*field = rates.back().*field;
    result.median.*field = rates[rates.size() / 2].*field;
  }
  return result;
}

// obp's speed protocol over the logs; returns rounds per second per repeat.
std::vector<Rate> run_linucb(const LoggedFeedback& logs, int repeats) {
  std::vector<Rate> rates;
  for (int r = 0; r < repeats; ++r) {
    LinUcb policy({logs.dimension(), logs.n_arms, 1.0, 1});
    const Stopwatch stopwatch;
    for (int64_t i = 0; i < logs.size(); ++i) {
      const std::span<const double> x(logs.context.row(i).data(), static_cast<std::size_t>(logs.dimension()));
      const int arm = policy.select_one(x);
      policy.update(arm, arm == logs.action[static_cast<std::size_t>(i)] ? logs.reward[static_cast<std::size_t>(i)] : 0.0, x);
    }
    rates.push_back(rate_of(logs.size(), stopwatch));
  }
  return rates;
}

std::vector<Rate> run_naive(const LoggedFeedback& logs, int repeats) {
  std::vector<Rate> rates;
  Eigen::VectorXd x(logs.dimension());
  for (int r = 0; r < repeats; ++r) {
    NaiveLinUcb policy(logs.dimension(), logs.n_arms, 1.0);
    const Stopwatch stopwatch;
    for (int64_t i = 0; i < logs.size(); ++i) {
      x = logs.context.row(i).transpose();
      const int arm = policy.select(x);
      policy.update(arm, arm == logs.action[static_cast<std::size_t>(i)] ? logs.reward[static_cast<std::size_t>(i)] : 0.0, x);
    }
    rates.push_back(rate_of(logs.size(), stopwatch));
  }
  return rates;
}

// Per-decision latency of select() alone, after the policy has seen the whole log once.
std::vector<double> select_latencies_us(const LoggedFeedback& logs) {
  LinUcb policy({logs.dimension(), logs.n_arms, 1.0, 1});
  std::vector<double> latencies;
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t i = 0; i < logs.size(); ++i) {
      const std::span<const double> x(logs.context.row(i).data(), static_cast<std::size_t>(logs.dimension()));
      const auto start = Clock::now();
      const int arm = policy.select_one(x);
      const double micros = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      if (pass == 1) latencies.push_back(micros);
      policy.update(arm, arm == logs.action[static_cast<std::size_t>(i)] ? logs.reward[static_cast<std::size_t>(i)] : 0.0, x);
    }
  }
  std::sort(latencies.begin(), latencies.end());
  return latencies;
}

LoggedFeedback with_dense_contexts(const LoggedFeedback& logs) {
  LoggedFeedback dense = logs;
  Random random(1);
  for (Eigen::Index i = 0; i < dense.context.rows(); ++i) {
    for (Eigen::Index j = 0; j < dense.context.cols(); ++j) dense.context(i, j) = 0.3 * random.normal();
  }
  return dense;
}

double percentile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "../shared/data/obd/random/men.csv";
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 7;
  const auto campaign = load_obd_campaign(path);
  const auto& logs = campaign.feedback;
  std::printf("LinUCB select+update, obp speed protocol: %s\n", path.c_str());
  std::printf("rounds %lld, d = %d, arms = %d, alpha = 1, batch_size = 1, threads = 1 (single core; Eigen %d.%d.%d, "
              "SIMD: %s)\n",
              static_cast<long long>(logs.size()), logs.dimension(), logs.n_arms, EIGEN_WORLD_VERSION,
              EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, Eigen::SimdInstructionSetsInUse());

  const auto ours = summarise(run_linucb(logs, repeats));
  const auto dense = summarise(run_linucb(with_dense_contexts(logs), repeats));
  const auto naive = summarise(run_naive(logs, std::max(1, repeats / 3)));
  const auto latencies = select_latencies_us(logs);
  constexpr double kObpRoundsPerSecond = 3711.2;  // fixture README, obp LinUCB select + update, best of 3
  std::printf("rounds/s: wall clock | thread CPU time (the machine may be shared)\n");
  std::printf("%-44s %12s %12s | %12s %12s\n", "implementation", "wall best", "wall median", "cpu best", "cpu median");
  const auto row = [](const char* name, const Rates& r) {
    std::printf("%-44s %12.0f %12.0f | %12.0f %12.0f\n", name, r.best.wall, r.median.wall, r.best.cpu, r.median.cpu);
  };
  row("backdrop LinUCB (one-hot contexts)", ours);
  row("backdrop LinUCB (dense Gaussian contexts)", dense);
  row("naive C++ port of obp's arithmetic", naive);
  std::printf("speed-up of the best wall-clock rate over obp's 3,711 rounds/s (fixture README; another run, same "
              "kind of machine): %.0fx (one-hot), %.0fx (dense)\n",
              ours.best.wall / kObpRoundsPerSecond, dense.best.wall / kObpRoundsPerSecond);
  double total_us = 0.0;
  for (const double latency : latencies) total_us += latency;
  std::printf("decision (select) latency over %zu decisions, wall clock: p50 %.2f us, p99 %.2f us, max %.2f us; "
              "mean %.2f us = %.0f decisions/s (select only)\n",
              latencies.size(), percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.back(),
              total_us / static_cast<double>(latencies.size()), 1e6 * static_cast<double>(latencies.size()) / total_us);
  return 0;
}
