// The decision engine: propensities, eligibility, typed errors, online learning, the latency
// fallback and bundle switches.

#include <QtTest>

#include <map>
#include <set>
#include <thread>

#include "core/serving/arm_choice.h"
#include "core/serving/decision_engine.h"
#include "core/serving/serving_errors.h"
#include "serving_test_bundles.h"

using namespace backdrop::serving;
using backdrop::serving::testing::bundle_of;

namespace {

SyntheticCategorySpec spec_with(double epsilon, bool online = true) {
  SyntheticCategorySpec spec;
  spec.policy.epsilon = epsilon;
  spec.policy.online_learning = online;
  spec.policy.latency_budget_ms = 1000.0;  // tests run on a busy machine: no fallback unless asked
  return spec;
}

Decision decide(DecisionEngine& engine, const nlohmann::json& context, const std::string& product = "sku-1",
                const std::string& placement = "home") {
  return engine.decide({"shoes", product, placement, context});
}

const nlohmann::json& context_of(const SyntheticCategorySpec& spec) {
  static const auto context = synthetic_context(synthetic_schema(spec.features), 7);
  return context;
}

// Shows decisions with feedback: a click when arm `liked` was shown, none otherwise.
void train_towards(DecisionEngine& engine, const nlohmann::json& context, int liked, int rounds) {
  for (int round = 0; round < rounds; ++round) {
    const auto decision = decide(engine, context);
    engine.feedback(decision.id, decision.arm == liked);
  }
}

}  // namespace

class DecisionEngineTest : public QObject {
  Q_OBJECT

 private slots:
  void propensitiesSumToOneOverTheEligibleArms() {
    for (const std::size_t n : {1u, 2u, 5u}) {
      for (const double epsilon : {0.0, 0.05, 0.5, 1.0}) {
        double sum = 0.0;
        for (std::size_t slot = 0; slot < n; ++slot) sum += propensity_of(slot, n, n - 1, epsilon);
        QVERIFY(std::abs(sum - 1.0) < 1e-12);
      }
    }
    // Exploring draws pick uniformly; the propensity is the chosen slot's.
    const auto explored = choose_arm(4, 0, 0.2, 0.1, 0.6);
    QCOMPARE(explored.slot, std::size_t{2});
    QCOMPARE(explored.propensity, 0.05);
    const auto greedy = choose_arm(4, 3, 0.2, 0.5, 0.0);
    QCOMPARE(greedy.slot, std::size_t{3});
    QCOMPARE(greedy.propensity, 0.85);
  }

  void decisionsReportTheirPropensity() {
    const auto spec = spec_with(0.3);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    std::map<int, int> shown;
    for (int i = 0; i < 400; ++i) {
      const auto decision = decide(engine, context_of(spec));
      ++shown[decision.arm];
      const double expected = decision.arm == 0 ? 0.7 + 0.1 : 0.1;  // uninformed priors: arm 0 wins ties
      QCOMPARE(decision.propensity, expected);
      QCOMPARE(decision.bundle_version, std::string("v1"));
      QCOMPARE(decision.image, "images/sku-1-" + decision.arm_id + "-home.jpg");
      QVERIFY(!decision.fallback);
    }
    QCOMPARE(shown.size(), std::size_t{3});
    QVERIFY(shown[0] > 250 && shown[0] < 390);  // expected 320
  }

  void onlyArmsWithAnImageAtThePlacementAreEligible() {
    auto category = synthetic_category(spec_with(1.0));
    category.images["sku-1"]["p1"].erase("home");
    category.images["sku-1"]["p3"].erase("search");
    DecisionEngine engine;
    engine.load(bundle_of("v1", category));
    std::set<std::string> at_home, at_search;
    const auto context = synthetic_context(category.priors.schema, 1);
    for (int i = 0; i < 200; ++i) {
      const auto home = decide(engine, context, "sku-1", "home");
      QCOMPARE(home.propensity, 0.5);
      at_home.insert(home.arm_id);
      at_search.insert(decide(engine, context, "sku-1", "search").arm_id);
    }
    QCOMPARE(at_home, (std::set<std::string>{"p2", "p3"}));
    QCOMPARE(at_search, (std::set<std::string>{"p1", "p2"}));
  }

  void unknownNamesAreNotFound() {
    auto category = synthetic_category(spec_with(0.0));
    category.images["sku-1"]["p1"].erase("search");
    category.images["sku-1"]["p2"].erase("search");
    category.images["sku-1"]["p3"].erase("search");
    category.images["sku-9"];  // listed, but no arm has an image
    DecisionEngine engine;
    engine.load(bundle_of("v1", category));
    const auto context = synthetic_context(category.priors.schema, 1);
    const auto not_found = [&](const std::string& name, const std::string& product, const std::string& placement,
                               const std::string& reason) {
      try {
        engine.decide({name, product, placement, context});
        QFAIL("no NotFound");
      } catch (const NotFound& error) {
        QVERIFY2(std::string(error.what()).find(reason) != std::string::npos, error.what());
      }
    };
    not_found("boots", "sku-1", "home", "unknown category 'boots'");
    not_found("shoes", "sku-7", "home", "no product 'sku-7'");
    not_found("shoes", "sku-1", "footer", "no placement 'footer'");
    not_found("shoes", "sku-1", "search", "no approved image at placement 'search'");
    not_found("shoes", "sku-9", "home", "no approved image at placement 'home'");
  }

  void featureProblemsAreBadRequests() {
    const auto spec = spec_with(0.0);  // features: user.f0 numeric, user.f1 one-hot, product.f2, placement.f3
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    const auto bad_request = [&](const nlohmann::json& context, const std::string& reason) {
      try {
        decide(engine, context);
        QFAIL("no BadRequest");
      } catch (const BadRequest& error) {
        QVERIFY2(std::string(error.what()).find(reason) != std::string::npos, error.what());
      }
    };
    auto context = context_of(spec);
    context["user"].erase("f0");
    context.erase("placement");
    bad_request(context, "missing features: user.f0, placement.f3");
    context = context_of(spec);
    context["user"]["f1"] = nlohmann::json::array();
    bad_request(context, "user.f1 is not a string or a number");
    context = context_of(spec);
    context["product"]["f2"] = "cheap";
    bad_request(context, "'cheap' is not a number");
    bad_request(nlohmann::json::array(), "'context' must be an object");
    // Numbers may come as text, levels as numbers; unknown extra features are ignored.
    context = context_of(spec);
    context["product"]["f2"] = "12.5";
    context["user"]["extra"] = 3;
    QCOMPARE(decide(engine, context).arm, 0);
  }

  void withoutABundleDecisionsAreUnavailable() {
    DecisionEngine engine;
    QVERIFY(!engine.has_bundle());
    QVERIFY_THROWS_EXCEPTION(Unavailable, decide(engine, nlohmann::json::object()));
    QCOMPARE(engine.feedback("v1-x-1", true).outcome, FeedbackOutcome::unmatched);
  }

  void clicksLearnedOnlineChangeTheChoice() {
    for (const bool online : {true, false}) {
      const auto spec = spec_with(0.2, online);
      DecisionEngine engine;
      engine.load(bundle_of("v1", spec));
      const auto before = decide(engine, context_of(spec));  // arm 0 is greedy at first (ties)
      QCOMPARE(before.propensity, before.arm == 0 ? 0.8 + 0.2 / 3 : 0.2 / 3);
      train_towards(engine, context_of(spec), 2, 300);
      std::map<int, int> greedy;
      for (int i = 0; i < 50; ++i) {
        const auto decision = decide(engine, context_of(spec));
        if (decision.propensity > 0.5) ++greedy[decision.arm];
      }
      QCOMPARE(greedy.size(), std::size_t{1});
      QCOMPARE(greedy.begin()->first, online ? 2 : 0);
    }
  }

  void feedbackAnswersOnce() {
    const auto spec = spec_with(0.0);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    const auto first = decide(engine, context_of(spec));
    const auto second = decide(engine, context_of(spec));
    QVERIFY(first.id != second.id);
    QVERIFY(QString::fromStdString(first.id).startsWith("shoes.v1."));
    QCOMPARE(engine.pending_decisions(), std::size_t{2});
    const auto result = engine.feedback(first.id, true);
    QCOMPARE(result.outcome, FeedbackOutcome::held);
    QCOMPARE(result.category, std::string("shoes"));
    QVERIFY(result.learned);
    // Answered already: still a genuine id, so the click is logged again, but not learned twice.
    const auto again = engine.feedback(first.id, true);
    QCOMPARE(again.outcome, FeedbackOutcome::not_held);
    QCOMPARE(again.category, std::string("shoes"));
    QVERIFY(!again.learned);
    QCOMPARE(engine.pending_decisions(), std::size_t{1});
  }

  void anExpiredBudgetFallsBackToThePriorsMeans() {
    auto spec = spec_with(0.0);
    spec.prior_ctr = {0.01, 0.02, 0.09};
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    // Teach the learner that arm 0 is best, so the two paths disagree.
    train_towards(engine, context_of(spec), 0, 200);
    QCOMPARE(decide(engine, context_of(spec)).arm, 0);
    const auto late = engine.decide(
        {"shoes", "sku-1", "home", context_of(spec), std::chrono::steady_clock::now() - std::chrono::seconds(1)});
    QVERIFY(late.fallback);
    QCOMPARE(late.arm, 2);
    QCOMPARE(late.propensity, 1.0);
  }

  void aNewBundleServesWhileOldDecisionsGetFeedback() {
    auto spec = spec_with(0.0);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    train_towards(engine, context_of(spec), 2, 300);
    const auto old_decision = decide(engine, context_of(spec));
    QCOMPARE(old_decision.arm, 2);

    // Same arms, schema and priors (only images changed): the learned state carries over.
    auto same = synthetic_category(spec);
    same.images["sku-1"]["p3"]["home"] = "images/new.jpg";
    engine.load(bundle_of("v2", same));
    const auto carried = decide(engine, context_of(spec));
    QCOMPARE(carried.bundle_version, std::string("v2"));
    QCOMPARE(carried.arm, 2);
    QCOMPARE(carried.image, std::string("images/new.jpg"));
    QVERIFY(engine.feedback(old_decision.id, true).learned);

    // New priors (retrained offline): the engine starts from them.
    spec.prior_ctr = {0.09, 0.01, 0.01};
    engine.load(bundle_of("v3", spec));
    QCOMPARE(decide(engine, context_of(spec)).arm, 0);
  }

  void aBundleThatDoesNotFitKeepsThePreviousOne() {
    const auto spec = spec_with(0.0);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    auto broken = synthetic_category(spec);
    broken.priors.arms.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, engine.load(bundle_of("v2", broken)));
    auto unknown_arm = synthetic_category(spec);
    unknown_arm.images["sku-1"]["p9"]["home"] = "images/x.jpg";
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, engine.load(bundle_of("v2", unknown_arm)));
    QCOMPARE(engine.bundle_version(), std::string("v1"));
    QCOMPARE(decide(engine, context_of(spec)).bundle_version, std::string("v1"));
  }

  void concurrentDecisionsFeedbackAndSwitches() {
    const auto spec = spec_with(0.1);
    DecisionEngine engine;
    engine.load(bundle_of("v0", spec));
    std::atomic<int> decided{0}, failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; i < 500; ++i) {
          try {
            const auto decision = decide(engine, context_of(spec), t % 2 ? "sku-1" : "sku-2");
            engine.feedback(decision.id, i % 3 == 0);
            ++decided;
          } catch (const std::exception&) {
            ++failed;
          }
        }
      });
    }
    for (int version = 1; version <= 20; ++version) engine.load(bundle_of("v" + std::to_string(version), spec));
    for (auto& client : clients) client.join();
    QCOMPARE(failed.load(), 0);
    QCOMPARE(decided.load(), 2000);
    QCOMPARE(engine.pending_decisions(), std::size_t{0});
  }
};

QTEST_APPLESS_MAIN(DecisionEngineTest)
#include "decision_engine_test.moc"
