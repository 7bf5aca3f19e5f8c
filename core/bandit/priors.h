#pragma once
// Warm starts for the bandit policies and the file they are kept in.
//
// A priors file is JSON: a format tag, a schema version, the feature schema every context was
// encoded with, and one entry per arm (ridge state A^-1, b for the linear policies; a Beta prior
// for Bernoulli Thompson sampling). Loading checks the tag, the version and every shape against
// the schema, so a policy never starts from state that means something else.

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/bandit/feature_schema.h"
#include "core/bandit/linear_arms.h"
#include "core/bandit/logged_feedback.h"
#include "core/bandit/policy.h"

namespace backdrop::bandit {

inline constexpr int kPriorsVersion = 1;
inline constexpr const char* kPriorsFormat = "backdrop.bandit.priors";

class PriorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ArmPrior {
  std::string id;
  bool active = true;
  LinearArmState linear;   // A^-1 (d x d), b (d), pulls, reward sum
  double beta_alpha = 1.0;  // Bernoulli TS: Beta(alpha, beta)
  double beta_beta = 1.0;
};

struct BanditPriors {
  FeatureSchema schema;
  std::vector<ArmPrior> arms;
};

// Every arm at the ridge prior (A^-1 = I, b = 0) and Beta(1, 1).
BanditPriors uninformed_priors(const FeatureSchema& schema, int n_arms);

// Warm start from logged data: each logged round updates the ridge state of the arm it showed,
// starting from `start` (e.g. designer priors) or from uninformed priors; the Beta prior gains the
// clicks and non-clicks.
BanditPriors priors_from_logs(const LoggedFeedback& logs, const FeatureSchema& schema, int n_arms,
                              const BanditPriors* start = nullptr);

// A designer's prior CTR per arm, worth `pseudo_count` impressions: that many pseudo-observations
// of reward ctr_k at `reference_context` (e.g. the mean context), and Beta(1 + n ctr, 1 + n (1 - ctr)).
BanditPriors designer_priors(const FeatureSchema& schema, std::span<const double> prior_ctr, double pseudo_count,
                             std::span<const double> reference_context);

nlohmann::json priors_to_json(const BanditPriors& priors);
// `origin` names the file in errors.
BanditPriors priors_from_json(const nlohmann::json& json, const std::string& origin);
void save_priors(const BanditPriors& priors, const std::filesystem::path& path);
BanditPriors load_priors(const std::filesystem::path& path);

// Sets the policy's arms from the priors (adding arms the policy lacks, retiring inactive ones).
// Throws PriorsError when the policy's context dimension differs from the schema's.
void apply_priors(const BanditPriors& priors, Policy& policy);

// The priors a trained policy would save (linear state for LinUCB/LinTS, Beta counts for BTS).
BanditPriors priors_from_policy(const Policy& policy, const FeatureSchema& schema);

}  // namespace backdrop::bandit
