// Planning's choices: the chosen placements only, "none" / "palette:N" / "#rrggbb" per product (a
// palette read from each product's own photo), a prompt's own colour kept, each product's tuned edge
// thresholds, and clear errors for a placement or colour the project cannot plan.

#include <QtTest>
#include <fstream>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/generation/jobs_plan.h"
#include "core/generation/plan_summary.h"
#include "core/imaging/product_segmentation.h"
#include "core/store/catalog_import.h"
#include "core/store/project.h"
#include "core/store/sha256.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

// A product photo on a plain white backdrop: a coloured block the plain-background cut finds.
void write_product(const std::filesystem::path& file, const cv::Scalar& bgr) {
  cv::Mat image(120, 100, CV_8UC3, cv::Scalar(250, 250, 250));
  cv::rectangle(image, {25, 20}, {75, 100}, bgr, cv::FILLED);
  QVERIFY(cv::imwrite(file.string(), image));
}

std::filesystem::path make_project(const std::filesystem::path& dir) {
  auto project = Project::create(dir / "p.backdrop");
  project.placements().save({0, "square", 64, 64});
  project.placements().save({0, "story", 36, 64});
  project.placements().save({0, "landscape", 64, 34});
  for (const auto& placement : project.placements().list()) {
    if (placement.name != "square" && placement.name != "story" && placement.name != "landscape") {
      project.placements().remove(placement.name);
    }
  }
  write_product(dir / "red.png", cv::Scalar(30, 30, 200));
  write_product(dir / "blue.png", cv::Scalar(200, 60, 20));
  std::ofstream(dir / "catalog.csv") << "product_id,category,title,image\nred,bags,Red bag,red.png\n"
                                     << "blue,shoes,Blue shoe,blue.png\n";
  import_catalog_csv(project, dir / "catalog.csv");
  return dir / "p.backdrop";
}

std::set<std::string> colours_of(const std::vector<VariantInputs>& plan, const std::string& product) {
  std::set<std::string> colours;
  for (const auto& variant : plan) {
    if (variant.product_id == product) colours.insert(variant.colour);
  }
  return colours;
}

}  // namespace

class PlanChoicesTest : public QObject {
  Q_OBJECT

 private slots:
  void chosenPlacementsAndColours() {
    const auto dir = test::scratch_dir("planned-colours");
    auto project = Project::open(make_project(dir));
    GenerationSettings settings;
    settings.placements = {"story", "square"};
    settings.colours = {"none", "palette:1", "#3A5F8C"};
    const auto plan = plan_variants(project, settings);
    QCOMPARE(plan.size(), size_t{2 * 2 * 3});  // products x placements x colours, one default prompt
    std::set<std::string> placements;
    for (const auto& variant : plan) placements.insert(variant.placement.name);
    QCOMPARE(placements, (std::set<std::string>{"square", "story"}));
    const auto red = colours_of(plan, "red"), blue = colours_of(plan, "blue");
    QCOMPARE(red.size(), size_t{3});
    QVERIFY(red.contains("") && red.contains("#3a5f8c"));  // stored as "#rrggbb" in lower case
    // Each product's own palette colour.
    std::set<std::string> palettes;
    for (const auto& colours : {red, blue}) {
      for (const auto& colour : colours) {
        if (colour != "" && colour != "#3a5f8c") palettes.insert(colour);
      }
    }
    QCOMPARE(palettes.size(), size_t{2});
    for (const auto& colour : palettes) QVERIFY(colour.size() == 7 && colour[0] == '#');
    QCOMPARE(describe_plan(summarize_plan(plan)),
             std::string("2 products \u00d7 1 prompt \u00d7 2 placements \u00d7 3 colours = 12 variants"));

    // The same choices plan the same keys again (the palette is deterministic).
    const auto again = plan_variants(project, settings);
    for (size_t i = 0; i < plan.size(); ++i) QCOMPARE(variant_key(again[i]), variant_key(plan[i]));
  }

  void aPromptsOwnColourIsKept() {
    const auto dir = test::scratch_dir("planned-colours-prompt");
    auto project = Project::open(make_project(dir));
    const auto set = project.prompts().add_version("bags", "ana", {{0, "marble", "", "#ffffff"}, {0, "linen", "", ""}});
    project.prompts().set_approval(set.id, Approval::approved, "test");
    GenerationSettings settings;
    settings.placements = {"square"};
    settings.colours = {"none", "#3a5f8c"};
    std::map<std::string, std::set<std::string>> colours_by_prompt;
    for (const auto& variant : plan_variants(project, settings)) {
      if (variant.product_id == "red") colours_by_prompt[variant.prompt].insert(variant.colour);
    }
    QCOMPARE(colours_by_prompt["marble"], (std::set<std::string>{"#ffffff"}));
    QCOMPARE(colours_by_prompt["linen"], (std::set<std::string>{"", "#3a5f8c"}));
  }

  // Only the chosen products are planned, and only their photos are read (a palette needs them):
  // another product's missing photo does not matter.
  void onlyTheChosenProductsArePlanned() {
    const auto dir = test::scratch_dir("planned-products");
    auto project = Project::open(make_project(dir));
    std::filesystem::remove(dir / "blue.png");
    GenerationSettings settings;
    settings.products = {"red"};
    settings.colours = {"palette:1"};
    const auto plan = plan_variants(project, settings);
    QCOMPARE(plan.size(), size_t{3});  // one prompt x three placements x one colour
    for (const auto& variant : plan) QCOMPARE(variant.product_id, std::string("red"));
  }

  // Thresholds tuned in the Studio's edge view are keyed with that product's variants only.
  void tunedEdgeThresholdsArePlanned() {
    const auto dir = test::scratch_dir("planned-edges");
    auto project = Project::open(make_project(dir));
    project.edge_settings().save("red", {35, 110});
    const GenerationSettings settings;
    const auto variants = plan_variants(project, settings);
    for (const auto& variant : variants) {
      if (variant.product_id == "red") {
        QVERIFY(variant.edge_thresholds == std::pair(35.0, 110.0));
      } else {
        QVERIFY(!variant.edge_thresholds);
      }
    }
  }

  // A product's saved mask is keyed by its content: its variants (and the prompt preview's, which
  // starts from product_variant_inputs) are cut out by it; products without one are cut out
  // automatically.
  void aSavedMaskIsPlannedByItsContent() {
    const auto dir = test::scratch_dir("planned-saved-mask");
    auto project = Project::open(make_project(dir));
    const auto mask = imaging::product_mask_path(project.cache_dir(), "red");
    std::filesystem::create_directories(mask.parent_path());
    cv::Mat drawn(120, 100, CV_8UC1, cv::Scalar(0));
    cv::rectangle(drawn, {25, 20}, {75, 100}, cv::Scalar(255), cv::FILLED);
    QVERIFY(cv::imwrite(mask.string(), drawn));
    const std::string method = "file:" + sha256_file_hex(mask).substr(0, 16);
    QCOMPARE(saved_mask_method(mask), method);
    const GenerationSettings settings;
    for (const auto& variant : plan_variants(project, settings)) {
      QCOMPARE(variant.mask.method, variant.product_id == "red" ? method : std::string("alpha"));
      QCOMPARE(planned_with_saved_mask(variant.mask), variant.product_id == "red");
    }
    QCOMPARE(product_variant_inputs(project, *project.products().find("red"), settings).mask.method, method);
  }

  void unknownPlacementsAndColoursAreRefused() {
    const auto dir = test::scratch_dir("planned-colours-errors");
    auto project = Project::open(make_project(dir));
    GenerationSettings settings;
    settings.placements = {"square", "banner"};
    try {
      plan_variants(project, settings);
      QFAIL("an unknown placement was planned");
    } catch (const std::invalid_argument& error) {
      QCOMPARE(std::string(error.what()),
               std::string("placement 'banner' is not one of the project's (square, landscape, story)"));
    }
    settings.placements.clear();
    for (const auto* colour : {"navy-ish", "palette:0", "palette:x", "#12345"}) {
      settings.colours = {"none", colour};
      try {
        plan_variants(project, settings);
        QFAIL(qPrintable(QString("colour '%1' was planned").arg(colour)));
      } catch (const std::invalid_argument& error) {
        QVERIFY2(std::string(error.what()).find(std::string("'") + colour + "'") != std::string::npos, error.what());
      }
    }
    settings.colours.clear();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, plan_variants(project, settings));
  }
};

QTEST_GUILESS_MAIN(PlanChoicesTest)
#include "plan_choices_test.moc"
