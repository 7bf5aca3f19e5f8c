// The experiment plan reader: a good plan, every error with the file and key it names, and the
// JSON Schema agreeing with the reader on the same documents.

#include <QtTest>

#include <unistd.h>
#include <fstream>
#include <functional>
#include <iterator>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "core/experiment/experiment_plan.h"
#include "support/test_data.h"

using namespace backdrop::experiment;
using nlohmann::json;

namespace {

json good_plan() {
  return json::parse(R"({"experiments": [
    {"id": "phase3-2026-12", "salt": "s3cr3t", "category": "apparel", "control": "random",
     "groups": [{"name": "original", "kind": "original", "share": 0.05},
                {"name": "random", "kind": "random-prompt", "share": 0.05},
                {"name": "personalised", "kind": "personalised", "share": 0.90}]},
    {"id": "phase2", "salt": "", "category": "*",
     "groups": [{"name": "new", "kind": "personalised", "share": 0.5},
                {"name": "old", "kind": "previous-bundle", "share": 0.5, "bundle": "20261126T014500Z-0123abcd"}]}
  ]})");
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// resources/schemas/experiment-plan.schema.json (tests run from the repository root).
class PlanSchema {
 public:
  PlanSchema() {
    const auto document = json::parse(read_text("resources/schemas/experiment-plan.schema.json"));
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, schema_);
  }
  bool valid(const json& document) const {
    valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    return validator.validate(schema_, adapter, nullptr);
  }

 private:
  valijson::Schema schema_;
};

// The reader's error for the damaged plan, or "" when it reads.
std::string error_of(const json& document) {
  try {
    plan_from_json(document, "plan.json");
    return {};
  } catch (const PlanError& error) {
    return error.what();
  }
}

struct Damage {
  std::function<void(json&)> apply;
  std::string expected;  // the start of the reader's message
  bool schema_catches;   // whether the JSON Schema alone can tell
};

}  // namespace

class ExperimentPlanTest : public QObject {
  Q_OBJECT

 private slots:
  void readsAGoodPlan() {
    const auto plan = plan_from_json(good_plan(), "plan.json");
    QCOMPARE(plan.experiments.size(), std::size_t{2});
    const auto& phase3 = plan.experiments[0];
    QCOMPARE(phase3.id, std::string("phase3-2026-12"));
    QCOMPARE(phase3.salt, std::string("s3cr3t"));
    QCOMPARE(phase3.control, std::string("random"));
    QCOMPARE(phase3.groups.size(), std::size_t{3});
    QVERIFY(phase3.groups[1].kind == GroupKind::random_prompt);
    QCOMPARE(phase3.groups[2].share, 0.90);
    const auto& phase2 = plan.experiments[1];
    QCOMPARE(phase2.control, std::string("old"));  // no original/white/random-prompt: previous-bundle
    QCOMPARE(phase2.groups[1].bundle, std::string("20261126T014500Z-0123abcd"));
    // The category's own experiment first, "*" for the others.
    QCOMPARE(plan.for_category("apparel")->id, std::string("phase3-2026-12"));
    QCOMPARE(plan.for_category("shoes")->id, std::string("phase2"));
    QVERIFY(ExperimentPlan{}.for_category("shoes") == nullptr);
    // Written and read back unchanged.
    QVERIFY(plan_from_json(plan_to_json(plan), "again").experiments == plan.experiments);
    QVERIFY(PlanSchema().valid(good_plan()));
    QVERIFY(PlanSchema().valid(plan_to_json(plan)));
  }

  void defaultControlFollowsTheKinds() {
    const std::vector<ExperimentGroup> groups{{"p", GroupKind::personalised, 0.5, ""},
                                              {"r", GroupKind::random_prompt, 0.3, ""},
                                              {"w", GroupKind::white, 0.2, ""}};
    QCOMPARE(default_control(groups), std::string("w"));
    QCOMPARE(default_control({groups[0], groups[1]}), std::string("r"));
    QCOMPARE(default_control({groups[0]}), std::string("p"));
  }

  void readsAFileAndNamesItInErrors() {
    const auto dir = backdrop::test::scratch_dir("experiment-plan-" + std::to_string(getpid()));
    std::ofstream(dir / "plan.json") << good_plan().dump(2);
    QCOMPARE(read_plan_file(dir / "plan.json").experiments.size(), std::size_t{2});
    std::ofstream(dir / "broken.json") << "{\"experiments\": [";
    try {
      read_plan_file(dir / "broken.json");
      QFAIL("broken JSON was read");
    } catch (const PlanError& error) {
      QVERIFY2(std::string(error.what()).starts_with((dir / "broken.json").string() + ": not valid JSON"),
               error.what());
    }
    QVERIFY_THROWS_EXCEPTION(PlanError, read_plan_file(dir / "missing.json"));
  }

  void everyErrorNamesTheKey() {
    const PlanSchema schema;
    const std::vector<Damage> damages{
        {[](json& p) { p.erase("experiments"); }, "plan.json: missing key 'experiments'", true},
        {[](json& p) { p["experiments"] = 3; }, "plan.json: experiments: expected a list", true},
        {[](json& p) { p["extra"] = 1; }, "plan.json: extra: unknown key", true},
        {[](json& p) { p["experiments"][0].erase("id"); }, "plan.json: experiments[0]: missing key 'id'", true},
        {[](json& p) { p["experiments"][0]["id"] = ""; }, "plan.json: experiments[0].id: must not be empty", true},
        {[](json& p) { p["experiments"][0]["salt"] = 7; }, "plan.json: experiments[0].salt: expected a string", true},
        {[](json& p) { p["experiments"][0]["groups"] = json::array(); },
         "plan.json: experiments[0].groups: expected a non-empty list", true},
        {[](json& p) { p["experiments"][0]["groups"][2]["share"] = 1.5; },
         "plan.json: experiments[0].groups[2].share: must be in (0, 1]", true},
        {[](json& p) { p["experiments"][0]["groups"][2]["share"] = 0; },
         "plan.json: experiments[0].groups[2].share: must be in (0, 1]", true},
        {[](json& p) { p["experiments"][0]["groups"][2]["share"] = "0.9"; },
         "plan.json: experiments[0].groups[2].share: expected a finite number", true},
        {[](json& p) { p["experiments"][0]["groups"][2]["share"] = 0.8; },
         "plan.json: experiments[0].groups: the shares sum to 0.9", false},
        {[](json& p) { p["experiments"][0]["groups"][1]["kind"] = "random"; },
         "plan.json: experiments[0].groups[1].kind: 'random' is not a group kind", true},
        {[](json& p) { p["experiments"][0]["groups"][1]["name"] = "original"; },
         "plan.json: experiments[0].groups[1].name: 'original' names two groups", false},
        {[](json& p) { p["experiments"][0]["groups"][1]["shares"] = 0.1; },
         "plan.json: experiments[0].groups[1].shares: unknown key", true},
        {[](json& p) { p["experiments"][0]["control"] = "nobody"; },
         "plan.json: experiments[0].control: 'nobody' is not one of the groups", false},
        {[](json& p) { p["experiments"][1]["groups"][1].erase("bundle"); },
         "plan.json: experiments[1].groups[1]: missing key 'bundle'", true},
        {[](json& p) { p["experiments"][0]["groups"][0]["bundle"] = "v1"; },
         "plan.json: experiments[0].groups[0].bundle: only a previous-bundle group names a bundle", true},
        {[](json& p) { p["experiments"][1]["id"] = "phase3-2026-12"; },
         "plan.json: experiments[1].id: 'phase3-2026-12' names two experiments", false},
        {[](json& p) { p["experiments"][1]["category"] = "apparel"; },
         "plan.json: experiments[1].category: 'apparel' has two experiments", false},
    };
    for (const auto& damage : damages) {
      auto plan = good_plan();
      damage.apply(plan);
      const auto error = error_of(plan);
      QVERIFY2(error.starts_with(damage.expected), (error + " | expected " + damage.expected).c_str());
      QVERIFY2(schema.valid(plan) != damage.schema_catches, damage.expected.c_str());
    }
  }

  void describesAnExperiment() {
    const auto plan = plan_from_json(good_plan(), "plan.json");
    QCOMPARE(describe(plan.experiments[0]),
             std::string("phase3-2026-12 on apparel: original (original) 5%, random (random-prompt) 5% control, "
                         "personalised (personalised) 90%"));
  }
};

QTEST_APPLESS_MAIN(ExperimentPlanTest)
#include "experiment_plan_test.moc"
