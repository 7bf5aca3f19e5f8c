// The variant run end to end, with the studio generator and with the tiny diffusion fixture models
// (assembled into a diffusers folder): every variant is written with its record and score, and the
// product's pixels inside its eroded mask are the original ones in every variant, and the same
// products planned in a project and rendered as the queue renders them give the same pixels.

#include <QtTest>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/generation/jobs_plan.h"
#include "core/imaging/colour_spec.h"
#include "core/imaging/compositing.h"
#include "core/imaging/png_text.h"
#include "core/rendering/catalog_variants.h"
#include "core/rendering/variant_rendering.h"
#include "core/store/project.h"
#include "core/store/sha256.h"
#include "support/fixture_diffusers_folder.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::backgrounds;
namespace fs = std::filesystem;

namespace {

// A product photo on a plain backdrop: a bottle-like shape with a label.
void write_product_photo(const fs::path& path, const cv::Scalar& colour) {
  cv::Mat photo(180, 140, CV_8UC3, cv::Scalar(238, 238, 238));
  cv::rectangle(photo, cv::Rect(45, 40, 50, 110), colour, cv::FILLED);
  cv::rectangle(photo, cv::Rect(60, 20, 20, 25), colour, cv::FILLED);
  cv::rectangle(photo, cv::Rect(50, 80, 40, 30), cv::Scalar(30, 30, 30), cv::FILLED);
  cv::imwrite(path.string(), photo);
}

std::vector<Product> small_catalogue(const fs::path& dir) {
  write_product_photo(dir / "bottle.png", cv::Scalar(60, 140, 200));
  write_product_photo(dir / "jar.png", cv::Scalar(160, 90, 40));
  return {{"bottle", "beauty", "Amber perfume bottle", dir / "bottle.png", 2},
          {"jar", "kitchen", "Blue storage jar", dir / "jar.png", 3}};
}

VariantOptions small_run(const fs::path& out) {
  VariantOptions options;
  options.out_dir = out;
  options.placements = imaging::parse_placements("tiny=64x64,wide=96x64");
  options.prompts = load_prompt_library("resources/prompts/default.json");
  options.prompts_per_product = 1;
  options.colours = {"none", "palette", "#3a5f8c"};
  options.seeds = {1, 2};
  return options;
}

// Stable Diffusion with the ControlNet on the fixture models, assembled under `dir`.
std::unique_ptr<BackgroundGenerator> fixture_generator(const fs::path& dir, int steps) {
  DiffusionSettings settings;
  settings.model = test::fixture_diffusers_folder(dir / "model");
  settings.controlnet = test::fixture_controlnet_folder(settings.model);
  settings.steps = steps;
  return make_diffusion_generator(settings);
}

// Every variant keeps the placed product's pixels inside the mask eroded by the feather width.
void check_product_pixels_kept(const VariantRunSummary& summary) {
  const auto kernel = cv::getStructuringElement(
      cv::MORPH_ELLIPSE, cv::Size(2 * imaging::kFeatherWidth + 1, 2 * imaging::kFeatherWidth + 1));
  for (const auto& variant : summary.variants) {
    const auto dir = variant.file.parent_path();
    const cv::Mat image = cv::imread(variant.file.string(), cv::IMREAD_COLOR);
    const cv::Mat product = cv::imread((dir / "product.png").string(), cv::IMREAD_COLOR);
    const cv::Mat mask = cv::imread((dir / "mask.png").string(), cv::IMREAD_GRAYSCALE);
    cv::Mat eroded;
    cv::erode(mask, eroded, kernel);
    QVERIFY(cv::countNonZero(eroded) > 50);
    cv::Mat difference;
    cv::absdiff(image, product, difference);
    cv::Mat changed = difference.reshape(1, difference.rows * difference.cols);
    cv::Mat any;
    cv::reduce(changed, any, 1, cv::REDUCE_MAX);
    any = any.reshape(1, image.rows);
    QVERIFY2(cv::countNonZero(any & eroded) == 0, variant.file.string().c_str());
  }
}

}  // namespace

class CatalogVariantsTest : public QObject {
  Q_OBJECT

 private slots:
  void studioVariantsKeepTheProduct() {
    const auto dir = test::scratch_dir("backgrounds-studio");
    const auto products = small_catalogue(dir);
    const auto options = small_run(dir / "out");
    const StudioBackgroundGenerator studio;
    std::vector<int64_t> done;
    const auto summary =
        generate_background_variants(products, options, studio, [&](const Progress& p) { done.push_back(p.done); });
    // 2 products x 2 placements x 1 prompt x 3 colours x 2 seeds.
    QVERIFY2(summary.failed_products.empty(),
             summary.failed_products.empty() ? "" : summary.failed_products.front().second.c_str());
    QCOMPARE(summary.variants.size(), std::size_t{24});
    QCOMPARE(done.back(), int64_t{24});
    check_product_pixels_kept(summary);
    QVERIFY(fs::is_regular_file(summary.contact_sheet));
    QCOMPARE(summary.contact_sheet_columns.size(), std::size_t{12});
    QCOMPARE(summary.contact_sheet_columns[0], std::string("tiny, no colour, seed 1"));
    QCOMPARE(summary.contact_sheet_columns[3], std::string("tiny, palette 1, seed 2"));
    QCOMPARE(summary.contact_sheet_columns[6], std::string("wide, no colour, seed 1"));

    const auto& first = summary.variants.front();
    QVERIFY(first.prompt.find("Amber perfume bottle") != std::string::npos);
    QVERIFY(first.prompt.find("soft neutral") != std::string::npos);
    const auto& branded = summary.variants[4];
    QCOMPARE(branded.colour, std::string("#3a5f8c"));
    QVERIFY(branded.prompt.find(branded.colour_name) != std::string::npos);
    const auto record = nlohmann::json::parse(imaging::read_png_text(branded.file).at("backdrop:variant"));
    QCOMPARE(record.at("generator").get<std::string>(), std::string("studio"));
    QVERIFY(record.at("artifacts").contains("edge_continuation"));
    const auto all = nlohmann::json::parse(std::ifstream(options.out_dir / "variants.json"));
    QCOMPARE(all.at("variants").size(), std::size_t{24});
  }

  void diffusionVariantsRunOnTheFixtureModels() {
    const auto dir = test::scratch_dir("backgrounds-diffusion");
    const auto products = small_catalogue(dir);
    auto options = small_run(dir / "out");
    options.colours = {"none", "#3a5f8c"};
    options.seeds = {5};
    const auto generator = fixture_generator(dir, 4);
    QVERIFY(generator->uses_diffusion());
    int64_t steps = 0;
    const auto summary =
        generate_background_variants(products, options, *generator, {}, [&](int64_t, int64_t) { ++steps; });
    QVERIFY2(summary.failed_products.empty(),
             summary.failed_products.empty() ? "" : summary.failed_products.front().second.c_str());
    QCOMPARE(summary.variants.size(), std::size_t{8});
    QCOMPARE(summary.generator, std::string("diffusion"));
    // Strength 1 runs 4 steps, the colour variants (strength 0.85) int(3.4) = 3.
    QCOMPARE(steps, int64_t{4 * (4 + 3)});
    check_product_pixels_kept(summary);
    for (const auto& variant : summary.variants) {
      QVERIFY(variant.times.denoising > 0);
      QVERIFY(variant.times.decoding > 0);
      const cv::Mat generated =
          cv::imread((variant.file.parent_path() / (variant.file.stem().string() + ".generated.png")).string());
      QCOMPARE(generated.size(), cv::imread(variant.file.string()).size());
    }
  }

  // One engine: a catalogue folder through `backdrop generate`'s run and the same products planned
  // in a project and rendered as the queue renders them give the same pixels, palette colours
  // included.
  void aCatalogueFolderAndAProjectGiveTheSamePixels() {
    const auto dir = test::scratch_dir("rendering-same-engine");
    const auto products = small_catalogue(dir);
    auto options = small_run(dir / "out");
    options.placements = imaging::parse_placements("wide=96x64");
    options.colours = {"none", "palette:1"};
    options.seeds = {0};
    const auto generator = fixture_generator(dir, 2);
    const auto summary = generate_background_variants(products, options, *generator);
    QCOMPARE(summary.variants.size(), std::size_t{4});

    auto project = Project::create(dir / "p.backdrop");
    for (const auto& product : products) {
      project.products().upsert(
          {0, product.id, product.category, product.title, product.image.string(), sha256_file_hex(product.image), 0});
      const auto& first = options.prompts.for_category(product.category).front();
      const auto set =
          project.prompts().add_version(product.category, "designer", {{0, first.prompt, first.negative_prompt, ""}});
      project.prompts().set_approval(set.id, Approval::approved, "merchandiser");
    }
    project.placements().save({0, "wide", 96, 64});
    GenerationSettings plan;
    plan.placements = {"wide"};
    plan.colours = options.colours;
    plan.layout = options.layout;
    const auto denoising = generator->denoising();
    plan.steps = denoising.steps;
    plan.scheduler = denoising.scheduler;
    plan.guidance_scale = denoising.guidance_scale;
    const auto planned = plan_variants(project, plan);
    QCOMPARE(planned.size(), std::size_t{4});
    for (const auto& inputs : planned) {
      const auto queued = render_variant(*generator, inputs, project.cache_dir(), {}, {});
      const auto same = std::find_if(summary.variants.begin(), summary.variants.end(), [&](const VariantRecord& v) {
        return v.product_id == inputs.product_id && v.colour == inputs.colour;
      });
      QVERIFY2(same != summary.variants.end(), (inputs.product_id + " in " + inputs.colour).c_str());
      QCOMPARE(queued.made.prompt, same->prompt);
      const cv::Mat from_folder = cv::imread(same->file.string(), cv::IMREAD_COLOR);
      QVERIFY2(cv::norm(queued.image, from_folder, cv::NORM_INF) == 0, same->file.string().c_str());
    }
  }

  void badColoursAreRefused() {
    const cv::Mat image(10, 10, CV_8UC3, cv::Scalar(0, 0, 255));
    const cv::Mat mask(10, 10, CV_8UC1, cv::Scalar(255));
    const auto resolve = [&](const std::string& text) {
      return imaging::resolve_colour_spec(imaging::parse_colour_spec(text), image, mask);
    };
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resolve("#12345"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resolve("palette:"));
    const auto colours = resolve("#ff0000");
    QCOMPARE(colours.size(), std::size_t{1});
    QCOMPARE(colours[0].bgr, cv::Vec3b(0, 0, 255));
    QVERIFY(!colours[0].name.empty());
    QCOMPARE(resolve("palette:2").size(), std::size_t{2});
  }
};

QTEST_APPLESS_MAIN(CatalogVariantsTest)
#include "catalog_variants_test.moc"
