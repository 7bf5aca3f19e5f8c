// Bundles with an experiment: the plan lands in the category file, original and white groups get
// one image per shipped product and placement made from the catalogue photo, a previous-bundle
// group carries the earlier version's images byte for byte, and bad plans fail naming the problem.

#include <QtTest>

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "bundle_fixture.h"
#include "core/export/bundle_json.h"
#include "core/export/bundle_reader.h"
#include "core/export/publisher.h"
#include "project_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;
using experiment::GroupKind;

namespace {

// The export project with a real catalogue photo for sku-1 (the only bags product that ships).
test::ExportProject project_with_photo(const std::string& name) {
  auto made = test::make_export_project(name + "-" + std::to_string(getpid()));
  made.project.products().upsert(
      {0, "sku-1", "bags", "Product sku-1", (test::product_data() / "bags_01_navy_duffel.jpg").string(), "", 0});
  return made;
}

BundleOptions with_experiment(std::vector<experiment::ExperimentGroup> groups, const std::string& category = "bags") {
  BundleOptions options;
  experiment::Experiment plan{"exp-1", "salt", category, "", std::move(groups)};
  plan.control = experiment::default_control(plan.groups);
  options.experiments.experiments.push_back(plan);
  return options;
}

std::string message_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const BundleError& error) {
    return error.what();
  }
  return {};
}

bool is_white(const cv::Vec3b& pixel) {
  return pixel[0] > 245 && pixel[1] > 245 && pixel[2] > 245;
}

}  // namespace

class ExperimentBundleTest : public QObject {
  Q_OBJECT

 private slots:
  void everyGroupKindShipsItsImages() {
    auto [dir, project, fixture] = project_with_photo("export-experiment");
    const auto target = dir / "target";
    const auto first = publish(project, {}, target);
    const auto options = with_experiment({{"orig", GroupKind::original, 0.25, ""},
                                          {"white", GroupKind::white, 0.25, ""},
                                          {"random", GroupKind::random_prompt, 0.25, ""},
                                          {"old", GroupKind::previous_bundle, 0.25, first.version}});
    const auto second = publish(project, options, target);
    const auto bundle = load_bundle(second.folder);
    const auto& bags = bundle.categories.at("bags");
    QVERIFY(bags.experiment.has_value());
    QCOMPARE(bags.experiment->control, std::string("orig"));
    QCOMPARE(bags.experiment->groups.size(), std::size_t{4});
    QVERIFY(!bags.group_images.contains("random"));  // shows arms

    // One baseline image per shipped (product, placement), at the shipped image's size.
    for (const auto& [group, key] : {std::pair{"orig", "original"}, {"white", "white"}}) {
      const auto& images = bags.group_images.at(group).at("sku-1").at(key);
      QCOMPARE(images.size(), std::size_t{2});  // square and wide
      for (const auto& [placement, path] : images) {
        const auto image = cv::imread((second.folder / path).string(), cv::IMREAD_COLOR);
        const auto shipped = bags.images.at("sku-1").at(arm_id_of(fixture.prompt_a)).at(placement);
        QCOMPARE(image.size(), cv::imread((second.folder / shipped).string()).size());
        QVERIFY(is_white(image.at<cv::Vec3b>(0, 0)));  // the layout's margin
        QVERIFY(!is_white(image.at<cv::Vec3b>(image.rows / 2, image.cols / 2)));  // the product
      }
    }
    QVERIFY(bags.group_images.at("orig") != bags.group_images.at("white"));
    // The earlier version's images, the same bytes (so the same content-addressed names).
    QVERIFY(bags.group_images.at("old") == load_bundle(first.folder).categories.at("bags").images);
  }

  void categoryFilesWithAnExperimentReadBack() {
    auto [dir, project, fixture] = project_with_photo("export-experiment-json");
    const auto result = build_bundle(
        project,
        with_experiment({{"orig", GroupKind::original, 0.5, ""}, {"linucb", GroupKind::personalised, 0.5, ""}}),
        dir / "bundle", {});
    const auto file = dir / "bundle" / "categories" / "bags.json";
    const auto json = nlohmann::json::parse(test::read_text(file));
    QCOMPARE(json.at("experiment").at("id").get<std::string>(), std::string("exp-1"));
    const auto category = category_from_json(json, "bags.json");
    QVERIFY(category_to_json(category) == json);

    auto broken = json;
    broken["group_images"]["linucb"] = broken["group_images"]["orig"];
    QVERIFY(message_of([&] { category_from_json(broken, "bags.json"); })
                .starts_with("bags.json: group_images.linucb: not a group of the experiment"));
    broken = json;
    broken["group_images"].erase("orig");
    QVERIFY(message_of([&] { category_from_json(broken, "bags.json"); })
                .starts_with("bags.json: group_images.orig: missing"));
    broken = json;
    broken["experiment"]["groups"][0]["share"] = 0.7;
    QVERIFY(message_of([&] { category_from_json(broken, "bags.json"); })
                .starts_with("bags.json: experiment: groups: the shares sum to"));
    broken = json;
    broken.erase("experiment");
    QVERIFY(message_of([&] { category_from_json(broken, "bags.json"); })
                .starts_with("bags.json: group_images: present without an experiment"));
  }

  void badPlansFailNamingTheProblem() {
    auto [dir, project, fixture] = project_with_photo("export-experiment-errors");
    const auto two = [](GroupKind kind, const std::string& bundle = {}) {
      return std::vector<experiment::ExperimentGroup>{{"a", kind, 0.5, bundle},
                                                      {"b", GroupKind::personalised, 0.5, ""}};
    };
    auto message = message_of([&] { plan_bundle(project, with_experiment(two(GroupKind::original), "shoes")); });
    QVERIFY2(message == "experiment 'exp-1': category 'shoes' does not ship (no approved prompt set)", message.c_str());
    message = message_of([&] { publish(project, with_experiment(two(GroupKind::previous_bundle, "20260101T000000Z-00000000")), dir / "t"); });
    QVERIFY2(message.starts_with("experiment group 'a': bundle '20260101T000000Z-00000000': not kept in"), message.c_str());
    QVERIFY(!current_version(dir / "t"));  // nothing published
    project.products().upsert({0, "sku-1", "bags", "Product sku-1", "", "", 0});
    message = message_of([&] { build_bundle(project, with_experiment(two(GroupKind::original)), dir / "b", {}); });
    QVERIFY2(message == "experiment group 'a': product 'sku-1': no catalogue photo", message.c_str());
    QVERIFY(!std::filesystem::exists(dir / "b"));
  }
};

QTEST_APPLESS_MAIN(ExperimentBundleTest)
#include "experiment_bundle_test.moc"
