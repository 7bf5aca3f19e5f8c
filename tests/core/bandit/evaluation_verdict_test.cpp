// The verdict the Studio shows after an offline evaluation: a raise only when LinUCB's interval
// lies above today's CTR, "not enough data" below the minimum or when the interval includes it.

#include <doctest/doctest.h>

#include <string>

#include "core/bandit/evaluation_verdict.h"
#include "core/bandit/random.h"

using namespace backdrop::bandit;

namespace {

const FeatureSchema kDevice({one_hot_feature("device", FeatureSource::user, {"desktop", "mobile"}, false)});

// A uniform logger over two arms; arm 0 gets 2% clicks, arm 1 `mobile_ctr` on mobile and 2% on
// desktop. Half the users are on mobile.
LoggedFeedback uniform_log(int64_t rounds, double mobile_ctr, uint64_t seed) {
  LoggedFeedback log;
  log.n_arms = 2;
  log.context = RowMatrix::Zero(rounds, 2);
  Random random(seed);
  for (int64_t round = 0; round < rounds; ++round) {
    const bool mobile = random.uniform() < 0.5;
    log.context(round, mobile ? 1 : 0) = 1.0;
    const int arm = random.below(2);
    const double ctr = arm == 1 && mobile ? mobile_ctr : 0.02;
    log.action.push_back(arm);
    log.position.push_back(0);
    log.reward.push_back(random.uniform() < ctr ? 1.0 : 0.0);
    log.pscore.push_back(0.5);
  }
  return log;
}

EvaluationOptions quick_options() {
  EvaluationOptions options;
  options.bootstrap = 100;
  options.replay_modes = {ReplayMode::all_positions_top1};
  return options;
}

}  // namespace

TEST_CASE("a policy that shows mobile users their better arm is expected to raise CTR") {
  const auto log = uniform_log(20000, 0.20, 1);
  const auto evaluation = evaluate_on_holdout(log, kDevice, quick_options());
  CHECK(evaluation.training_rounds == 10000);
  CHECK(evaluation.evaluation_rounds == 10000);
  // Today: desktop 2%, mobile (2% + 20%) / 2: 6.5% overall; LinUCB: 2% and 20%, 11%.
  CHECK(evaluation.logged_ctr == doctest::Approx(0.065).epsilon(0.1));
  REQUIRE(evaluation.policies.size() == 2);
  const auto verdict = evaluation_verdict(evaluation);
  CHECK(verdict.enough_data);
  CHECK(verdict.warning.empty());
  INFO(verdict.text);
  CHECK(verdict.text.starts_with("LinUCB is expected to raise CTR from " + percent(evaluation.logged_ctr) + " to 1"));
  CHECK(verdict.text.find("(95% interval ") != std::string::npos);
}

TEST_CASE("arms that click alike leave LinUCB's interval around today's CTR") {
  const auto evaluation = evaluate_on_holdout(uniform_log(20000, 0.02, 2), kDevice, quick_options());
  const auto verdict = evaluation_verdict(evaluation);
  INFO(verdict.text);
  CHECK(verdict.enough_data);
  CHECK(verdict.text.starts_with("Not enough data to tell: LinUCB's expected CTR "));
  CHECK(verdict.text.find("includes today's 2.") != std::string::npos);
}

TEST_CASE("a small log gets the minimum-data warning whatever its estimates") {
  const auto evaluation = evaluate_on_holdout(uniform_log(400, 0.9, 3), kDevice, quick_options());
  const auto verdict = evaluation_verdict(evaluation);
  CHECK_FALSE(verdict.enough_data);
  CHECK(verdict.warning.starts_with("Not enough data to tell: 400 impressions and "));
  CHECK(verdict.warning.find("at least 1000 impressions and 30 clicks") != std::string::npos);
  CHECK(verdict.text == verdict.warning);
}

TEST_CASE("rates read as percentages with the digits that matter") {
  CHECK(percent(0.063) == "6.3%");
  CHECK(percent(0.0045) == "0.45%");
  CHECK(percent(0.1234) == "12.3%");
}
