// Unit tests of the policies: Sherman-Morrison against a direct inverse, batching, the tie rule,
// slates, adding and retiring arms, seeded determinism.

#include <QtTest>

#include <set>

#include <Eigen/Dense>

#include "core/bandit/context_free_policies.h"
#include "core/bandit/lin_ts.h"
#include "core/bandit/lin_ucb.h"
#include "core/bandit/linear_arms.h"
#include "core/bandit/random.h"
#include "core/bandit/ranking.h"

using namespace backdrop::bandit;

namespace {

std::vector<double> random_context(Random& random, int d, bool one_hot) {
  std::vector<double> x(static_cast<std::size_t>(d), 0.0);
  if (one_hot) {
    x[static_cast<std::size_t>(random.below(d))] = 1.0;
    x[static_cast<std::size_t>(random.below(d))] = 1.0;
  } else {
    for (auto& v : x) v = random.normal();
  }
  return x;
}

template <typename P>
std::vector<int> choices(P policy, int rounds, int d) {
  Random contexts(7);
  std::vector<int> chosen;
  for (int t = 0; t < rounds; ++t) {
    const auto x = random_context(contexts, d, true);
    const int arm = policy.select_one(x);
    policy.update(arm, t % 3 == 0 ? 1.0 : 0.0, x);
    chosen.push_back(arm);
  }
  return chosen;
}

}  // namespace

class PoliciesTest : public QObject {
  Q_OBJECT

 private slots:
  void shermanMorrisonMatchesDirectInverse() {
    const int d = 6;
    LinearArms arms(d, 2);
    Random random(3);
    Eigen::MatrixXd gram = Eigen::MatrixXd::Identity(d, d);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(d);
    for (int t = 0; t < 200; ++t) {
      const auto x = random_context(random, d, t % 2 == 0);
      const Eigen::Map<const Eigen::VectorXd> v(x.data(), d);
      const double reward = random.uniform();
      arms.update(1, reward, x);
      gram += v * v.transpose();
      b += reward * v;
    }
    const Eigen::MatrixXd direct = gram.inverse();
    QVERIFY((Eigen::MatrixXd(arms.a_inverse(1)) - direct).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY((Eigen::VectorXd(arms.theta(1)) - direct * b).cwiseAbs().maxCoeff() < 1e-12);
    // Arm 0 was never touched.
    QCOMPARE(Eigen::MatrixXd(arms.a_inverse(0)), Eigen::MatrixXd(Eigen::MatrixXd::Identity(d, d)));
  }

  void sparseAndDenseScoringAgree() {
    const int d = 16;
    LinearArms arms(d, 3);
    Random random(5);
    for (int t = 0; t < 60; ++t) arms.update(t % 3, random.uniform(), random_context(random, d, false));
    for (const bool one_hot : {true, false}) {
      const auto x = random_context(random, d, one_hot);
      std::vector<double> mean(3), width(3);
      arms.score_terms(x, mean, width);
      const Eigen::Map<const Eigen::VectorXd> v(x.data(), d);
      for (int k = 0; k < 3; ++k) {
        QVERIFY(std::abs(mean[static_cast<std::size_t>(k)] - v.dot(arms.theta(k))) < 1e-12);
        QVERIFY(std::abs(width[static_cast<std::size_t>(k)] - v.dot(arms.a_inverse(k) * v)) < 1e-12);
      }
    }
  }

  void batchesPublishEveryBatchSizeUpdates() {
    LinearArms arms(2, 1, 3);
    const std::vector<double> x{1.0, 0.0};
    arms.update(0, 1.0, x);
    arms.update(0, 1.0, x);
    QCOMPARE(arms.theta(0)[0], 0.0);  // still the published prior
    QCOMPARE(arms.state(0).pulls, int64_t{2});
    arms.update(0, 1.0, x);
    QVERIFY(std::abs(arms.theta(0)[0] - 0.75) < 1e-15);  // 3 / (1 + 3)
  }

  void tiesGoToTheLowestIndex() {
    const std::vector<unsigned char> active(4, 1);
    std::vector<int> ranked(1);
    rank_top_k(std::vector<double>{1.0, 1.0, 1.0, 1.0}, active, ranked);
    QCOMPARE(ranked[0], 0);
    rank_top_k(std::vector<double>{0.5, 2.0, 2.0 + 1e-12, 1.0}, active, ranked);
    QCOMPARE(ranked[0], 1);  // within 1e-9 relative: tied
    rank_top_k(std::vector<double>{0.5, 2.0, 2.0 + 1e-6, 1.0}, active, ranked);
    QCOMPARE(ranked[0], 2);  // a genuine gap
  }

  void slatesAreDistinctAndSkipRetiredArms() {
    std::vector<int> ranked(3);
    rank_top_k(std::vector<double>{0.1, 0.9, 0.5, 0.7}, std::vector<unsigned char>{1, 0, 1, 1}, ranked);
    QCOMPARE(ranked, (std::vector<int>{3, 2, 0}));
    std::vector<int> too_many(3);
    rank_top_k(std::vector<double>{0.1, 0.9}, std::vector<unsigned char>{1, 1}, too_many);
    QCOMPARE(too_many, (std::vector<int>{1, 0, -1}));
  }

  void linUcbExploresThenExploits() {
    LinUcb policy({2, 3, 0.1, 1});
    const std::vector<double> x{1.0, 0.0};
    QCOMPARE(policy.select_one(x), 0);  // all tied
    for (int t = 0; t < 20; ++t) {
      policy.update(2, 1.0, x);
      policy.update(0, 0.0, x);
      policy.update(1, 0.0, x);
    }
    QCOMPARE(policy.select_one(x), 2);
    std::vector<int> slate(3);
    policy.select(x, slate);
    QCOMPARE(slate[0], 2);
  }

  void armsAreAddedAndRetiredWithoutResettingOthers() {
    LinUcb policy({3, 2, 0.0, 1});
    const std::vector<double> x{1.0, 0.0, 1.0};
    for (int t = 0; t < 5; ++t) policy.update(1, 1.0, x);
    const Eigen::MatrixXd before = policy.arms().a_inverse(1);
    const int added = policy.add_arm();
    QCOMPARE(added, 2);
    QCOMPARE(policy.n_arms(), 3);
    QCOMPARE(Eigen::MatrixXd(policy.arms().a_inverse(1)), before);
    QCOMPARE(Eigen::MatrixXd(policy.arms().a_inverse(2)), Eigen::MatrixXd(Eigen::MatrixXd::Identity(3, 3)));
    QCOMPARE(policy.select_one(x), 1);
    policy.retire_arm(1);
    QVERIFY(!policy.arm_active(1));
    QCOMPARE(policy.n_active_arms(), 2);
    for (int t = 0; t < 10; ++t) QVERIFY(policy.select_one(x) != 1);
    QCOMPARE(Eigen::MatrixXd(policy.arms().a_inverse(1)), before);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, policy.retire_arm(7));
    const std::vector<double> short_context{1.0};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, policy.select_one(short_context));
  }

  void seededPoliciesAreDeterministic() {
    const int d = 5, k = 4;
    QCOMPARE(choices(LinTs({d, k, 1, 11}), 300, d), choices(LinTs({d, k, 1, 11}), 300, d));
    QVERIFY(choices(LinTs({d, k, 1, 11}), 300, d) != choices(LinTs({d, k, 1, 12}), 300, d));
    QCOMPARE(choices(BernoulliTsPolicy({k, 1, 3, 0.0}), 300, d), choices(BernoulliTsPolicy({k, 1, 3, 0.0}), 300, d));
    QCOMPARE(choices(EpsilonGreedyPolicy({k, 1, 3, 0.2}), 300, d), choices(EpsilonGreedyPolicy({k, 1, 3, 0.2}), 300, d));
    QCOMPARE(choices(UniformRandomPolicy({k, 1, 3, 0.0}), 300, d), choices(UniformRandomPolicy({k, 1, 3, 0.0}), 300, d));
  }

  void bernoulliTsPrefersTheBetterArm() {
    BernoulliTsPolicy policy({3, 1, 9, 0.0});
    const std::vector<double> none;
    for (int t = 0; t < 200; ++t) {
      policy.update(0, t % 10 == 0 ? 1.0 : 0.0, none);
      policy.update(1, t % 2 == 0 ? 1.0 : 0.0, none);
      policy.update(2, 0.0, none);
    }
    int best = 0;
    for (int t = 0; t < 100; ++t) best += policy.select_one(none) == 1;
    QVERIFY(best > 95);
  }

  void epsilonGreedyExploresUntilEveryArmIsTried() {
    EpsilonGreedyPolicy policy({3, 1, 4, 0.0});
    const std::vector<double> none;
    policy.update(0, 1.0, none);
    policy.update(1, 0.0, none);
    std::set<int> seen;
    for (int t = 0; t < 100; ++t) seen.insert(policy.select_one(none));
    QCOMPARE(seen.size(), std::size_t{3});  // arm 2 untried: still exploring at epsilon 0
    policy.update(2, 0.0, none);
    for (int t = 0; t < 20; ++t) QCOMPARE(policy.select_one(none), 0);
  }

  void randomDistributionsHaveTheRightMoments() {
    Random random(1);
    double sum = 0.0, sum_beta = 0.0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      sum += random.gamma(0.5);
      sum_beta += random.beta(2.0, 6.0);
    }
    QVERIFY(std::abs(sum / n - 0.5) < 0.03);
    QVERIFY(std::abs(sum_beta / n - 0.25) < 0.01);
  }
};

QTEST_APPLESS_MAIN(PoliciesTest)
#include "policies_test.moc"
