#include "core/bandit/priors.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "core/bandit/context_free_policies.h"
#include "core/bandit/lin_ts.h"
#include "core/bandit/lin_ucb.h"
#include "core/common/file_write.h"

namespace backdrop::bandit {
namespace {

// The ridge state of LinUCB and LinTS; nullptr for the context-free policies. PolicyT is Policy
// or const Policy.
template <typename PolicyT>
auto* linear_arms_of(PolicyT& policy) {
  using LinUcbT = std::conditional_t<std::is_const_v<PolicyT>, const LinUcb, LinUcb>;
  using LinTsT = std::conditional_t<std::is_const_v<PolicyT>, const LinTs, LinTs>;
  decltype(&dynamic_cast<LinUcbT&>(policy).arms()) arms = nullptr;
  if (auto* linucb = dynamic_cast<LinUcbT*>(&policy)) arms = &linucb->arms();
  if (auto* lints = dynamic_cast<LinTsT*>(&policy)) arms = &lints->arms();
  return arms;
}

std::vector<ArmPrior> arms_from_linear_state(const LinearArms& arms) {
  std::vector<ArmPrior> priors;
  for (int k = 0; k < arms.n_arms(); ++k) {
    ArmPrior prior;
    prior.id = std::to_string(k);
    prior.linear = arms.state(k);
    prior.beta_alpha = 1.0 + prior.linear.reward_sum;
    prior.beta_beta = 1.0 + static_cast<double>(prior.linear.pulls) - prior.linear.reward_sum;
    priors.push_back(std::move(prior));
  }
  return priors;
}

nlohmann::json matrix_to_json(const Eigen::MatrixXd& matrix) {
  auto rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    rows.push_back(std::vector<double>(matrix.row(i).begin(), matrix.row(i).end()));
  }
  return rows;
}

[[noreturn]] void fail(const std::string& origin, const std::string& message) {
  throw PriorsError(origin + ": " + message);
}

ArmPrior arm_from_json(const nlohmann::json& entry, int dimension, std::size_t index, const std::string& origin) {
  const std::string where = "arm " + std::to_string(index);
  ArmPrior prior;
  prior.id = entry.at("id").get<std::string>();
  prior.active = entry.value("active", true);
  prior.linear.pulls = entry.value("pulls", int64_t{0});
  prior.linear.reward_sum = entry.value("reward_sum", 0.0);
  const auto beta = entry.at("beta").get<std::vector<double>>();
  if (beta.size() != 2 || !(beta[0] > 0.0 && beta[1] > 0.0)) fail(origin, where + ": 'beta' must be [alpha > 0, beta > 0]");
  prior.beta_alpha = beta[0];
  prior.beta_beta = beta[1];
  const auto rows = entry.at("a_inverse").get<std::vector<std::vector<double>>>();
  const auto b = entry.at("b").get<std::vector<double>>();
  if (static_cast<int>(rows.size()) != dimension || static_cast<int>(b.size()) != dimension) {
    fail(origin, where + ": a_inverse has " + std::to_string(rows.size()) + " rows and b " + std::to_string(b.size()) +
                     " entries, the feature schema has dimension " + std::to_string(dimension));
  }
  prior.linear.a_inverse.resize(dimension, dimension);
  prior.linear.b.resize(dimension);
  for (int i = 0; i < dimension; ++i) {
    if (static_cast<int>(rows[static_cast<std::size_t>(i)].size()) != dimension) {
      fail(origin, where + ": a_inverse row " + std::to_string(i) + " has " +
                       std::to_string(rows[static_cast<std::size_t>(i)].size()) + " entries, expected " +
                       std::to_string(dimension));
    }
    for (int j = 0; j < dimension; ++j) prior.linear.a_inverse(i, j) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    prior.linear.b[i] = b[static_cast<std::size_t>(i)];
  }
  if (!prior.linear.a_inverse.allFinite() || !prior.linear.b.allFinite()) fail(origin, where + ": non-finite numbers");
  return prior;
}

}  // namespace

BanditPriors uninformed_priors(const FeatureSchema& schema, int n_arms) {
  return {schema, arms_from_linear_state(LinearArms(schema.dimension(), n_arms))};
}

BanditPriors priors_from_logs(const LoggedFeedback& logs, const FeatureSchema& schema, int n_arms,
                              const BanditPriors* start) {
  if (logs.dimension() != schema.dimension()) {
    throw PriorsError("priors from logs: contexts have " + std::to_string(logs.dimension()) +
                      " columns, the feature schema " + std::to_string(schema.dimension()));
  }
  const int total_arms = std::max({n_arms, logs.n_arms, start ? static_cast<int>(start->arms.size()) : 0});
  LinearArms arms(schema.dimension(), total_arms);
  std::vector<double> beta_alpha(static_cast<std::size_t>(total_arms), 1.0), beta_beta = beta_alpha;
  if (start) {
    if (!(start->schema == schema)) throw PriorsError("priors from logs: the start priors have another feature schema");
    for (std::size_t k = 0; k < start->arms.size(); ++k) {
      arms.set_state(static_cast<int>(k), start->arms[k].linear);
      beta_alpha[k] = start->arms[k].beta_alpha;
      beta_beta[k] = start->arms[k].beta_beta;
    }
  }
  for (int64_t i = 0; i < logs.size(); ++i) {
    const auto row = logs.context.row(i);
    const auto r = static_cast<std::size_t>(i);
    arms.update(logs.action[r], logs.reward[r], {row.data(), static_cast<std::size_t>(row.size())});
    beta_alpha[static_cast<std::size_t>(logs.action[r])] += logs.reward[r];
    beta_beta[static_cast<std::size_t>(logs.action[r])] += 1.0 - logs.reward[r];
  }
  auto priors = arms_from_linear_state(arms);
  for (std::size_t k = 0; k < priors.size(); ++k) {
    priors[k].beta_alpha = beta_alpha[k];
    priors[k].beta_beta = beta_beta[k];
    if (start && k < start->arms.size()) {
      priors[k].id = start->arms[k].id;
      priors[k].active = start->arms[k].active;
    }
  }
  return {schema, std::move(priors)};
}

BanditPriors designer_priors(const FeatureSchema& schema, std::span<const double> prior_ctr, double pseudo_count,
                             std::span<const double> reference_context) {
  if (static_cast<int>(reference_context.size()) != schema.dimension()) {
    throw PriorsError("designer priors: reference context has " + std::to_string(reference_context.size()) +
                      " values, the feature schema " + std::to_string(schema.dimension()));
  }
  if (!(pseudo_count >= 0.0)) throw PriorsError("designer priors: pseudo-count must be >= 0");
  LinearArms arms(schema.dimension(), static_cast<int>(prior_ctr.size()));
  for (std::size_t k = 0; k < prior_ctr.size(); ++k) {
    if (!(prior_ctr[k] >= 0.0 && prior_ctr[k] <= 1.0)) {
      throw PriorsError("designer priors: CTR of arm " + std::to_string(k) + " is not in [0, 1]");
    }
    if (pseudo_count > 0.0) arms.update_weighted(static_cast<int>(k), prior_ctr[k], reference_context, pseudo_count);
  }
  auto priors = arms_from_linear_state(arms);
  for (std::size_t k = 0; k < prior_ctr.size(); ++k) {
    priors[k].beta_alpha = 1.0 + pseudo_count * prior_ctr[k];
    priors[k].beta_beta = 1.0 + pseudo_count * (1.0 - prior_ctr[k]);
  }
  return {schema, std::move(priors)};
}

nlohmann::json priors_to_json(const BanditPriors& priors) {
  auto arms = nlohmann::json::array();
  for (const auto& arm : priors.arms) {
    arms.push_back({{"id", arm.id},
                    {"active", arm.active},
                    {"pulls", arm.linear.pulls},
                    {"reward_sum", arm.linear.reward_sum},
                    {"beta", {arm.beta_alpha, arm.beta_beta}},
                    {"a_inverse", matrix_to_json(arm.linear.a_inverse)},
                    {"b", std::vector<double>(arm.linear.b.begin(), arm.linear.b.end())}});
  }
  return {{"format", kPriorsFormat},
          {"version", kPriorsVersion},
          {"feature_schema", priors.schema.to_json()},
          {"arms", arms}};
}

BanditPriors priors_from_json(const nlohmann::json& json, const std::string& origin) {
  if (!json.is_object() || json.value("format", "") != kPriorsFormat) {
    fail(origin, std::string("not a priors file (no \"format\": \"") + kPriorsFormat + "\")");
  }
  const auto version = json.value("version", -1);
  if (version != kPriorsVersion) {
    fail(origin, "priors version " + std::to_string(version) + " is not supported (this build reads version " +
                     std::to_string(kPriorsVersion) + ")");
  }
  BanditPriors priors;
  try {
    priors.schema = FeatureSchema::from_json(json.at("feature_schema"));
    const auto& arms = json.at("arms");
    for (std::size_t k = 0; k < arms.size(); ++k) {
      priors.arms.push_back(arm_from_json(arms[k], priors.schema.dimension(), k, origin));
    }
  } catch (const nlohmann::json::exception& error) {
    fail(origin, error.what());
  } catch (const FeatureError& error) {
    fail(origin, error.what());
  }
  return priors;
}

void save_priors(const BanditPriors& priors, const std::filesystem::path& path) {
  try {
    replace_file(path, priors_to_json(priors).dump(1) + "\n");  // a failure keeps the previous priors
  } catch (const FileWriteError& error) {
    throw PriorsError(error.what());
  }
}

BanditPriors load_priors(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw PriorsError(path.string() + ": cannot open");
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded()) throw PriorsError(path.string() + ": not valid JSON");
  return priors_from_json(json, path.string());
}

void apply_priors(const BanditPriors& priors, Policy& policy) {
  if (policy.dimension() != 0 && policy.dimension() != priors.schema.dimension()) {
    throw PriorsError("priors: the policy uses " + std::to_string(policy.dimension()) +
                      "-dimensional contexts, the priors' feature schema " + std::to_string(priors.schema.dimension()));
  }
  while (policy.n_arms() < static_cast<int>(priors.arms.size())) policy.add_arm();
  auto* linear = linear_arms_of(policy);
  auto* bernoulli = dynamic_cast<BernoulliTsPolicy*>(&policy);
  for (std::size_t k = 0; k < priors.arms.size(); ++k) {
    const auto& arm = priors.arms[k];
    const int index = static_cast<int>(k);
    if (linear) linear->set_state(index, arm.linear);
    if (bernoulli) bernoulli->set_prior(index, arm.beta_alpha, arm.beta_beta);
    if (!arm.active) policy.retire_arm(index);
  }
}

BanditPriors priors_from_policy(const Policy& policy, const FeatureSchema& schema) {
  BanditPriors priors;
  if (const auto* linear = linear_arms_of(policy)) {
    priors = {schema, arms_from_linear_state(*linear)};
  } else {
    priors = uninformed_priors(schema, policy.n_arms());
  }
  if (const auto* bernoulli = dynamic_cast<const BernoulliTsPolicy*>(&policy)) {
    // The posterior becomes the next prior.
    for (int k = 0; k < policy.n_arms(); ++k) {
      const auto arm = static_cast<std::size_t>(k);
      const double clicks = bernoulli->counts().rewards()[arm];
      const double misses = bernoulli->counts().pulls()[arm] - clicks;
      priors.arms[arm].beta_alpha = bernoulli->prior_alpha(k) + clicks;
      priors.arms[arm].beta_beta = bernoulli->prior_beta(k) + misses;
    }
  }
  for (int k = 0; k < policy.n_arms(); ++k) priors.arms[static_cast<std::size_t>(k)].active = policy.arm_active(k);
  return priors;
}

}  // namespace backdrop::bandit
