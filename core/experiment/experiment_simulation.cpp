#include "core/experiment/experiment_simulation.h"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/bandit/random.h"

namespace backdrop::experiment {
namespace {

constexpr double kMeanClickDelaySeconds = 600.0;

void check(const SimulationConfig& config) {
  if (config.groups.empty()) throw std::invalid_argument("simulation: no groups");
  if (config.placements.empty()) throw std::invalid_argument("simulation: no placements");
  double shares = 0.0;
  for (const auto& group : config.groups) {
    shares += group.share;
    if (!(group.share > 0.0)) throw std::invalid_argument("simulation: group '" + group.name + "' has no share");
    for (const auto& [placement, ctr] : group.ctr_by_placement) {
      if (!(ctr >= 0.0 && ctr <= 1.0))
        throw std::invalid_argument("simulation: a CTR of '" + group.name + "' is outside [0, 1]");
    }
    if (!(group.ctr >= 0.0 && group.ctr <= 1.0))
      throw std::invalid_argument("simulation: the CTR of '" + group.name + "' is outside [0, 1]");
  }
  if (std::abs(shares - 1.0) > 1e-9) throw std::invalid_argument("simulation: the groups' shares do not sum to 1");
}

// Knuth's method; the means here are small.
int poisson(bandit::Random& random, double mean) {
  const double limit = std::exp(-mean);
  int count = 0;
  for (double product = random.uniform(); product > limit; product *= random.uniform()) ++count;
  return count;
}

double exponential(bandit::Random& random, double mean) {
  return -mean * std::log(1.0 - random.uniform());
}

std::size_t draw_group(bandit::Random& random, const SimulationConfig& config) {
  double u = random.uniform();
  for (std::size_t g = 0; g + 1 < config.groups.size(); ++g) {
    if (u < config.groups[g].share) return g;
    u -= config.groups[g].share;
  }
  return config.groups.size() - 1;
}

// A user's click multiplier: gamma with mean 1 and the configured coefficient of variation.
double user_multiplier(bandit::Random& random, double heterogeneity) {
  if (heterogeneity <= 0.0) return 1.0;
  const double shape = 1.0 / (heterogeneity * heterogeneity);
  return random.gamma(shape) / shape;
}

double group_ctr(const SimulatedGroup& group, const std::string& placement) {
  const auto found = group.ctr_by_placement.find(placement);
  return found == group.ctr_by_placement.end() ? group.ctr : found->second;
}

class Simulator {
 public:
  explicit Simulator(const SimulationConfig& config)
      : config_(config),
        random_(config.seed),
        control_(config.control.empty() ? config.groups.front().name : config.control) {}

  std::vector<SimulatedImpression> run() {
    for (int user = 0; user < config_.users; ++user) {
      const auto group = draw_group(random_, config_);
      const double multiplier = user_multiplier(random_, config_.user_heterogeneity);
      const int impressions = 1 + poisson(random_, config_.impressions_per_user - 1.0);
      for (int i = 0; i < impressions; ++i) add(group, "u-" + std::to_string(user), multiplier);
    }
    const double unassigned =
        config_.unassigned_share / (1.0 - config_.unassigned_share) * static_cast<double>(out_.size());
    for (int64_t i = 0, n = std::llround(unassigned); i < n; ++i) {
      const auto group = draw_group(random_, config_);
      add(group, "", user_multiplier(random_, config_.user_heterogeneity));
    }
    return std::move(out_);
  }

 private:
  void add(std::size_t group_index, const std::string& user, double multiplier) {
    const auto& group = config_.groups[group_index];
    SimulatedImpression impression;
    auto& row = impression.row;
    row.experiment = config_.experiment;
    row.group = group.name;
    row.group_kind = group.kind;
    row.control = control_;
    row.category = config_.category;
    row.placement =
        config_.placements[static_cast<std::size_t>(random_.below(static_cast<int>(config_.placements.size())))];
    row.decision = "d-" + std::to_string(out_.size());
    row.user = user;
    row.assigned_by_user = !user.empty();
    row.group_share = group.share;
    row.time = config_.start_time + random_.uniform() * config_.duration_hours * 3600.0;
    if (random_.uniform() < std::min(1.0, group_ctr(group, row.placement) * multiplier)) {
      const bool late = random_.uniform() < config_.late_click_share;
      const double window = kDefaultAttributionWindowHours * 3600.0;
      impression.click_delay_seconds = late ? window + 1.0 + exponential(random_, window)
                                            : std::min(window - 1.0, exponential(random_, kMeanClickDelaySeconds));
      row.clicked = !late;
    }
    out_.push_back(std::move(impression));
  }

  const SimulationConfig& config_;
  bandit::Random random_;
  std::string control_;
  std::vector<SimulatedImpression> out_;
};

std::string time_text(double seconds) {
  return format_utc_time(seconds);
}

nlohmann::json impression_line(const ExperimentImpression& row) {
  nlohmann::json line{{"arm", 0},
                      {"arm_id", row.group_kind == "personalised" ? "p0" : row.group_kind},
                      {"bundle", "simulated"},
                      {"category", row.category},
                      {"decision", row.decision},
                      {"event", "impression"},
                      {"placement", row.placement},
                      {"position", 0},
                      {"product", "sku-0"},
                      {"propensity", 1.0},
                      {"time", time_text(row.time)},
                      {"experiment", row.experiment},
                      {"group", row.group},
                      {"group_kind", row.group_kind},
                      {"group_share", row.group_share},
                      {"control", row.control},
                      {"assignment", row.assigned_by_user ? "user" : "unassigned"},
                      {"features", nlohmann::json::object()}};
  if (row.assigned_by_user) line["user"] = row.user;
  return line;
}

}  // namespace

std::vector<SimulatedImpression> simulate_experiment(const SimulationConfig& config) {
  check(config);
  if (!(config.impressions_per_user >= 1.0))
    throw std::invalid_argument("simulation: fewer than 1 impression per user");
  if (!(config.unassigned_share >= 0.0 && config.unassigned_share < 1.0)) {
    throw std::invalid_argument("simulation: the unassigned share is outside [0, 1)");
  }
  return Simulator(config).run();
}

std::vector<ExperimentImpression> impression_rows(const std::vector<SimulatedImpression>& simulated) {
  std::vector<ExperimentImpression> rows;
  rows.reserve(simulated.size());
  for (const auto& impression : simulated) rows.push_back(impression.row);
  return rows;
}

double true_uplift(const SimulationConfig& config, const std::string& group) {
  const auto& control = config.control.empty() ? config.groups.front().name : config.control;
  const auto mean_ctr = [&](const std::string& name) {
    for (const auto& candidate : config.groups) {
      if (candidate.name != name) continue;
      double sum = 0.0;
      for (const auto& placement : config.placements) sum += group_ctr(candidate, placement);
      return sum / static_cast<double>(config.placements.size());
    }
    throw std::invalid_argument("simulation: no group '" + name + "'");
  };
  return mean_ctr(group) / mean_ctr(control) - 1.0;
}

void write_serving_logs(const std::vector<SimulatedImpression>& simulated, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  // backdrop-serve names a file by its category with characters other than these replaced; the
  // simulation keeps to categories that need no replacing.
  const auto plain = [](const std::string& name) {
    return !name.empty() &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
               std::string::npos;
  };
  std::map<std::string, std::ofstream> files;
  for (const auto& impression : simulated) {
    const auto& row = impression.row;
    if (!plain(row.category))
      throw std::invalid_argument("simulation: category '" + row.category + "' is not a plain name");
    auto& file = files[row.category];
    if (!file.is_open()) file.open(folder / (row.category + ".jsonl"), std::ios::app | std::ios::binary);
    if (!file) throw std::runtime_error((folder / (row.category + ".jsonl")).string() + ": cannot write");
    file << impression_line(row).dump() << "\n";
    if (impression.click_delay_seconds < 0.0) continue;
    file << nlohmann::json{{"category", row.category},
                           {"decision", row.decision},
                           {"event", "click"},
                           {"position", 0},
                           {"time", time_text(row.time + impression.click_delay_seconds)}}
                .dump()
         << "\n";
  }
}

}  // namespace backdrop::experiment
