// Decisions of a category that runs an experiment: each group kind chooses its image its own way,
// with the propensity within the group; users stick to their groups; requests without a user id
// are unassigned; only the personalised group teaches LinUCB; every impression carries the
// experiment's log fields.

#include <QtTest>

#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "core/experiment/group_assignment.h"
#include "core/serving/decision_engine.h"
#include "core/serving/impression_writer.h"
#include "serving_test_bundles.h"
#include "support/test_data.h"

using namespace backdrop::serving;
using namespace backdrop::experiment;
using backdrop::serving::testing::bundle_of;
using nlohmann::json;

namespace {

// Every impression the engine reports, its fields copied.
class RecordingSink final : public ImpressionSink {
 public:
  struct Row {
    int arm;
    std::string arm_id, experiment, group, kind, control, user;
    double propensity, share;
    bool assigned, group_fallback;
  };
  void impression(const ImpressionRecord& r) override {
    rows.push_back({r.arm, std::string(r.arm_id), std::string(r.experiment), std::string(r.group),
                    std::string(r.group_kind), std::string(r.control), std::string(r.user), r.propensity, r.group_share,
                    r.assigned, r.group_fallback});
  }
  void click(std::string_view, std::string_view) override {}
  void unmatched_click(std::string_view, bool, std::string_view) override {}
  std::vector<Row> rows;
};

Experiment experiment_of(std::vector<ExperimentGroup> groups, const std::string& control) {
  return {"exp-1", "salt", "shoes", control, std::move(groups)};
}

SyntheticCategorySpec spec_with(const Experiment& experiment) {
  SyntheticCategorySpec spec;
  spec.policy.epsilon = 0.3;
  spec.policy.latency_budget_ms = 1000.0;  // a busy machine: no latency fallback
  spec.experiment = experiment;
  return spec;
}

// A context for `user`; no "id" when `user` is empty.
json context_for(const SyntheticCategorySpec& spec, const json& user) {
  auto context = synthetic_context(synthetic_schema(spec.features), 7);
  if (!user.is_null()) context["user"]["id"] = user;
  return context;
}

// The first user ids that fall in group `index`.
std::vector<std::string> users_in(const Experiment& experiment, std::size_t index, int count) {
  const GroupAssigner assigner(experiment);
  std::vector<std::string> users;
  for (int i = 0; static_cast<int>(users.size()) < count; ++i) {
    if (assigner.group_of_user("u" + std::to_string(i)) == index) users.push_back("u" + std::to_string(i));
  }
  return users;
}

const Experiment kAllKinds = experiment_of({{"orig", GroupKind::original, 0.2, ""},
                                            {"white", GroupKind::white, 0.2, ""},
                                            {"random", GroupKind::random_prompt, 0.2, ""},
                                            {"linucb", GroupKind::personalised, 0.2, ""},
                                            {"old", GroupKind::previous_bundle, 0.2, "v0"}},
                                           "orig");

}  // namespace

class ExperimentDecisionsTest : public QObject {
  Q_OBJECT

 private slots:
  void imageGroupsShowTheirOwnImageWithPropensityOne() {
    const auto spec = spec_with(kAllKinds);
    RecordingSink sink;
    DecisionEngine engine({}, &sink);
    engine.load(bundle_of("v1", spec));
    for (const auto& [index, name, key] :
         {std::tuple{0, "orig", "original"}, {1, "white", "white"}, {4, "old", "old-p1"}}) {
      for (const auto& user : users_in(kAllKinds, index, 20)) {
        const auto decision = engine.decide({"shoes", "sku-2", "search", context_for(spec, user)});
        QCOMPARE(decision.group, std::string(name));
        QCOMPARE(decision.arm, -1);
        QCOMPARE(decision.arm_id, std::string(key));
        QCOMPARE(decision.image, "images/sku-2-" + std::string(name) + "-search.jpg");
        QCOMPARE(decision.propensity, 1.0);
        QVERIFY(decision.assigned);
        QVERIFY(!engine.feedback(decision.id, true).learned);
      }
    }
  }

  void randomPromptIsUniformOverTheEligibleArms() {
    const auto spec = spec_with(kAllKinds);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    std::map<std::string, int> shown;
    const auto users = users_in(kAllKinds, 2, 300);
    for (int round = 0; round < 10; ++round) {
      for (const auto& user : users) {
        const auto decision = engine.decide({"shoes", "sku-1", "home", context_for(spec, user)});
        QCOMPARE(decision.group, std::string("random"));
        QCOMPARE(decision.propensity, 1.0 / 3.0);
        ++shown[decision.arm_id];
        QVERIFY(!engine.feedback(decision.id, decision.arm == 2).learned);
      }
    }
    QCOMPARE(shown.size(), std::size_t{3});
    for (const auto& [arm, count] : shown) QVERIFY2(std::abs(count - 1000) < 150, arm.c_str());  // ~5 sd
  }

  void personalisedIsLinUcbAndTheOnlyGroupThatLearns() {
    const auto spec = spec_with(kAllKinds);
    DecisionEngine engine;
    engine.load(bundle_of("v1", spec));
    const auto users = users_in(kAllKinds, 3, 50);
    for (const auto& user : users) {
      const auto decision = engine.decide({"shoes", "sku-1", "home", context_for(spec, user)});
      QCOMPARE(decision.group, std::string("linucb"));
      // epsilon 0.3 over 3 arms: the greedy arm 0.8, the others 0.1 each.
      QVERIFY(std::abs(decision.propensity - 0.1) < 1e-12 || std::abs(decision.propensity - 0.8) < 1e-12);
      QVERIFY(engine.feedback(decision.id, false).learned);
    }
  }

  void aUserKeepsTheGroupAcrossRequestsAndEngines() {
    const auto spec = spec_with(kAllKinds);
    DecisionEngine first, second;  // two replicas
    first.load(bundle_of("v1", spec));
    second.load(bundle_of("v1", spec));
    const GroupAssigner assigner(kAllKinds);
    for (int i = 0; i < 200; ++i) {
      const auto user = "user-" + std::to_string(i);
      const auto expected = kAllKinds.groups[assigner.group_of_user(user)].name;
      for (int round = 0; round < 3; ++round) {
        QCOMPARE(first.decide({"shoes", "sku-1", "home", context_for(spec, user)}).group, expected);
        QCOMPARE(second.decide({"shoes", "sku-1", "home", context_for(spec, user)}).group, expected);
      }
    }
    // A numeric id is its decimal text.
    QCOMPARE(first.decide({"shoes", "sku-1", "home", context_for(spec, 42)}).group,
             kAllKinds.groups[assigner.group_of_user("42")].name);
  }

  void requestsWithoutAUserGetARandomGroupByTheShares() {
    const auto experiment = experiment_of(
        {{"control", GroupKind::random_prompt, 0.25, ""}, {"treated", GroupKind::personalised, 0.75, ""}}, "control");
    const auto spec = spec_with(experiment);
    RecordingSink sink;
    DecisionEngine engine({}, &sink);
    engine.load(bundle_of("v1", spec));
    int treated = 0;
    for (int i = 0; i < 4000; ++i) {
      const auto decision = engine.decide({"shoes", "sku-1", "home", context_for(spec, json())});
      QVERIFY(!decision.assigned);
      treated += decision.group == "treated" ? 1 : 0;
    }
    QVERIFY2(std::abs(treated / 4000.0 - 0.75) < 0.035, std::to_string(treated).c_str());  // ~5 sd
    QVERIFY(sink.rows.back().user.empty());
  }

  void aPreviousBundleWithoutTheProductShowsAnArmAndSaysSo() {
    auto category = synthetic_category(spec_with(kAllKinds));
    category.group_images["old"].erase("sku-1");
    DecisionEngine engine;
    engine.load(bundle_of("v1", category));
    for (const auto& user : users_in(kAllKinds, 4, 20)) {
      const auto decision = engine.decide({"shoes", "sku-1", "home", context_for(spec_with(kAllKinds), user)});
      QVERIFY(decision.group_fallback);
      QVERIFY(decision.arm >= 0);
      QCOMPARE(decision.propensity, 1.0 / 3.0);
    }
  }

  void impressionsCarryTheContractFields() {
    const auto spec = spec_with(kAllKinds);
    const auto logs = backdrop::test::scratch_dir("experiment-decisions-" + std::to_string(getpid()));
    std::string decision_id;
    {
      ImpressionWriter writer(logs, std::chrono::milliseconds(1000));
      DecisionEngine engine({}, &writer);
      engine.load(bundle_of("v1", spec));
      decision_id = engine.decide({"shoes", "sku-1", "home", context_for(spec, users_in(kAllKinds, 2, 1)[0])}).id;
      engine.decide({"shoes", "sku-1", "home", context_for(spec, json())});
      engine.decide({"shoes", "sku-1", "home", context_for(spec, users_in(kAllKinds, 0, 1)[0])});
    }
    std::ifstream in(logs / "shoes.jsonl");
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    QCOMPARE(lines.size(), std::size_t{3});
    const auto& random = lines[0];
    QCOMPARE(random.at("decision").get<std::string>(), decision_id);
    QCOMPARE(random.at("experiment").get<std::string>(), std::string("exp-1"));
    QCOMPARE(random.at("group").get<std::string>(), std::string("random"));
    QCOMPARE(random.at("group_kind").get<std::string>(), std::string("random-prompt"));
    QCOMPARE(random.at("group_share").get<double>(), 0.2);
    QCOMPARE(random.at("control").get<std::string>(), std::string("orig"));
    QCOMPARE(random.at("assignment").get<std::string>(), std::string("user"));
    QCOMPARE(random.at("user").get<std::string>(), users_in(kAllKinds, 2, 1)[0]);
    QCOMPARE(random.at("propensity").get<double>(), 1.0 / 3.0);
    QCOMPARE(lines[1].at("assignment").get<std::string>(), std::string("unassigned"));
    QVERIFY(!lines[1].contains("user"));
    QCOMPARE(lines[2].at("arm").get<int>(), -1);
    QCOMPARE(lines[2].at("arm_id").get<std::string>(), std::string("original"));
    QCOMPARE(lines[2].at("propensity").get<double>(), 1.0);
  }

  void withoutAnExperimentNothingChanges() {
    SyntheticCategorySpec spec;
    RecordingSink sink;
    DecisionEngine engine({}, &sink);
    engine.load(bundle_of("v1", spec));
    const auto decision = engine.decide({"shoes", "sku-1", "home", context_for(spec, "user-1")});
    QVERIFY(decision.experiment.empty());
    QVERIFY(sink.rows.back().experiment.empty());
    QVERIFY(engine.feedback(decision.id, true).learned);
  }
};

QTEST_APPLESS_MAIN(ExperimentDecisionsTest)
#include "experiment_decisions_test.moc"
