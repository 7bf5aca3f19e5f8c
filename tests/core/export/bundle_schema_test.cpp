#include <QtTest>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "bundle_fixture.h"
#include "core/export/bundle_builder.h"
#include "core/export/bundle_reader.h"
#include "project_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;

namespace {

// A JSON Schema of resources/schemas (tests run from the repository root).
class JsonSchema {
 public:
  explicit JsonSchema(const std::string& name) {
    const auto document = nlohmann::json::parse(test::read_text("resources/schemas/" + name));
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, schema_);
  }

  // Empty when `document` is valid, otherwise the first error with its JSON pointer.
  std::string problem(const nlohmann::json& document) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    if (validator.validate(schema_, adapter, &results)) return {};
    valijson::ValidationResults::Error error;
    std::string text = "invalid";
    while (results.popError(error)) {
      text += " |";
      for (const auto& part : error.context) text += " " + part;
      text += ": " + error.description;
    }
    return text;
  }

 private:
  valijson::Schema schema_;
};

nlohmann::json read_json(const std::filesystem::path& file) {
  return nlohmann::json::parse(test::read_text(file));
}

}  // namespace

class BundleSchemaTest : public QObject {
  Q_OBJECT

 private slots:
  void builtBundlesAreValid() {
    const JsonSchema manifest_schema("bundle-manifest.schema.json"), category_schema("bundle-category.schema.json");
    auto [dir, project, fixture] = test::make_export_project("export-schema-built");
    test::save_bags_priors(project, 2);
    const auto result = build_bundle(project, {}, dir / "jpeg", {});
    BundleOptions webp;
    webp.image_format = "webp";
    build_bundle(project, webp, dir / "webp", {});
    BundleOptions with_experiment;
    with_experiment.experiments.experiments.push_back(
        {"exp", "salt", "*", "random",
         {{"random", experiment::GroupKind::random_prompt, 0.1, ""},
          {"linucb", experiment::GroupKind::personalised, 0.9, ""}}});
    build_bundle(project, with_experiment, dir / "experiment", {});
    test::write_small_bundle(dir / "small");
    for (const auto* folder : {"jpeg", "webp", "experiment", "small"}) {
      const auto manifest = read_json(dir / folder / "manifest.json");
      auto problem = manifest_schema.problem(manifest);
      QVERIFY2(problem.empty(), problem.c_str());
      QVERIFY(!manifest["categories"].empty());
      for (const auto& [name, file] : manifest["categories"].items()) {
        problem = category_schema.problem(read_json(dir / folder / file.get<std::string>()));
        QVERIFY2(problem.empty(), problem.c_str());
      }
    }
    QVERIFY(result.plan.categories[0].priors_source.starts_with("version 1: "));
    const auto shipped = load_bundle(result.folder).categories.at("bags");
    QCOMPARE(shipped.priors_source, result.plan.categories[0].priors_source);
  }

  void brokenManifestsFail() {
    const JsonSchema schema("bundle-manifest.schema.json");
    const auto dir = test::scratch_dir("export-schema-broken");
    test::write_small_bundle(dir / "bundle");
    const auto good = read_json(dir / "bundle/manifest.json");
    QVERIFY(schema.problem(good).empty());
    const auto fails = [&](const std::function<void(nlohmann::json&)>& damage, const std::string& expected) {
      auto manifest = good;
      damage(manifest);
      const auto problem = schema.problem(manifest);
      if (problem.find(expected) == std::string::npos) qWarning("%s", problem.c_str());
      return problem.find(expected) != std::string::npos;
    };
    QVERIFY(fails([](auto& m) { m.erase("files"); }, "Missing required property 'files'"));
    QVERIFY(fails([](auto& m) { m["schema_version"] = 2; }, "schema_version"));
    QVERIFY(fails([](auto& m) { m["format"] = "other"; }, "format"));
    QVERIFY(fails([](auto& m) { m["image_format"] = "png"; }, "image_format"));
    QVERIFY(fails([](auto& m) { m["image_quality"] = 0; }, "image_quality"));
    QVERIFY(fails([](auto& m) { m["files"][0]["sha256"] = "ABC"; }, "sha256"));
    QVERIFY(fails([](auto& m) { m["files"][0]["path"] = "../secret"; }, "path"));
    QVERIFY(fails([](auto& m) { m["files"][0]["path"] = "/etc/passwd"; }, "path"));
    QVERIFY(fails([](auto& m) { m["files"][0]["path"] = "images/./a.jpg"; }, "path"));
    QVERIFY(fails([](auto& m) { m["files"][0]["path"] = "images\\a.jpg"; }, "path"));
    QVERIFY(fails([](auto& m) { m["files"][0]["bytes"] = -1; }, "bytes"));
    QVERIFY(fails([](auto& m) { m["unexpected"] = true; }, "unexpected"));
  }

  void brokenCategoryFilesFail() {
    const JsonSchema schema("bundle-category.schema.json");
    const auto dir = test::scratch_dir("export-schema-category");
    test::write_small_bundle(dir / "bundle");
    const auto good = read_json(dir / "bundle/categories/home-garden.json");
    QVERIFY(schema.problem(good).empty());
    auto broken = good;
    broken["images"]["sku-1"]["p1"]["square"] = "../../etc/passwd";
    QVERIFY(!schema.problem(broken).empty());
    broken = good;
    broken["policy"]["epsilon"] = 1.5;
    QVERIFY(!schema.problem(broken).empty());
    broken = good;
    broken["priors"]["arms"][0]["beta"] = {1.0, 0.0};
    QVERIFY(!schema.problem(broken).empty());
    broken = good;
    broken["arms"][0].erase("prompt");
    QVERIFY(!schema.problem(broken).empty());
  }
};

QTEST_APPLESS_MAIN(BundleSchemaTest)
#include "bundle_schema_test.moc"
