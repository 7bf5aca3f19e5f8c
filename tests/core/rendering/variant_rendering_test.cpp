// render_variant(), what the Studio's Generate, `backdrop project jobs run` and `backdrop worker`
// render with: the same inputs give the same pixels; the record says how the variant was made; the
// studio backdrop's seed picks its tone when no colour is given; a diffusion generator refuses a
// variant planned with other denoising parameters (its key would hold pixels it does not describe),
// and a worker refuses a photo or a mask other than the one planned; the placement's position and
// the layout rule carried with the variant place the product.

#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include <opencv2/core.hpp>

#include "core/backgrounds/variant_png_record.h"
#include "core/generation/cache_store.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/product_segmentation.h"
#include "core/rendering/generator_variant_renderer.h"
#include "core/rendering/variant_rendering.h"
#include "core/store/sha256.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

VariantInputs windbreaker(int width, int height) {
  auto inputs = make_variant_inputs();
  inputs.product_id = "p1";
  inputs.product_image_path = (test::product_data() / "apparel_01_yellow_windbreaker.jpg").string();
  inputs.placement.name = "banner";
  inputs.placement.width = width;
  inputs.placement.height = height;
  inputs.product_category = "apparel";
  inputs.product_title = "yellow windbreaker";
  inputs.prompt = "{product} on a {color} wall";
  return inputs;
}

template <typename Call>
void expect_refusal(Call&& call, const char* expected) {
  try {
    call();
    QFAIL("expected an ImageError");
  } catch (const imaging::ImageError& error) {
    QVERIFY2(std::string(error.what()).find(expected) != std::string::npos, error.what());
  }
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// Claims to paint with diffusion; never reaches painting in these tests.
class DiffusionLike : public backgrounds::StudioBackgroundGenerator {
 public:
  std::string name() const override { return "diffusion"; }
  bool uses_diffusion() const override { return true; }
  backgrounds::DenoisingParameters denoising() const override { return {4, "lcm", 1.0, "fp32"}; }
};

// Claims diffusion with a LoRA fused; paints the studio backdrop.
class LoraDiffusion : public DiffusionLike {
 public:
  explicit LoraDiffusion(std::filesystem::path lora) : lora_(std::move(lora)) {}
  std::vector<models::LoraSpec> loras() const override { return {{lora_, 0.8}}; }

 private:
  std::filesystem::path lora_;
};

// Paints the studio backdrop and remembers the edge thresholds it was asked to draw the edge map with.
class EdgeRecorder : public backgrounds::StudioBackgroundGenerator {
 public:
  backgrounds::GeneratedBackground generate(const backgrounds::BackgroundRequest& request,
                                            const backgrounds::StepCallback& on_step) const override {
    edges = request.edge_thresholds;
    return StudioBackgroundGenerator::generate(request, on_step);
  }
  mutable std::optional<std::pair<double, double>> edges;
};

}  // namespace

class VariantRenderingTest : public QObject {
  Q_OBJECT

 private slots:
  void theSameInputsGiveTheSamePixelsAndARecord() {
    const auto cache = test::scratch_dir("core-rendering-same");
    const backgrounds::StudioBackgroundGenerator studio;
    auto inputs = windbreaker(200, 120);
    inputs.colour = "#336699";
    const auto first = render_variant(studio, inputs, cache, {}, {});
    const auto again = render_variant(studio, inputs, cache, {}, {});
    QCOMPARE(first.image.cols, 200);
    QCOMPARE(first.image.rows, 120);
    QVERIFY(same_pixels(first.image, again.image));
    QCOMPARE(first.image.at<cv::Vec3b>(0, 0)[2] < first.image.at<cv::Vec3b>(0, 0)[0], true);  // blue, not red

    const auto& made = first.made;
    QCOMPARE(made.generator, std::string("studio"));
    QCOMPARE(made.product_id, std::string("p1"));
    QCOMPARE(made.placement, std::string("banner"));
    QCOMPARE(made.colour, std::string("#336699"));
    QVERIFY(!made.colour_name.empty());
    QCOMPARE(made.prompt, "yellow windbreaker on a " + made.colour_name + " wall");
    QCOMPARE(made.steps, 0);  // no denoising: the planned 20 steps do not describe a studio backdrop

    GeneratorVariantRenderer renderer(studio, cache);
    const CacheStore store(cache / "images");
    const auto output = store.temporary_path(std::string(64, 'a'));
    renderer.render(inputs, output, {});
    const auto record = backgrounds::read_variant_record(output);
    QVERIFY(record.has_value());
    QCOMPARE(record->generator, std::string("studio"));
    QCOMPARE(record->flagged, made.artifacts.flagged);
    QCOMPARE(record->artifact_scores.at("edge_continuation"), made.artifacts.edge_continuation);
  }

  void theSeedPicksTheStudioToneOnlyWithoutAColour() {
    const auto cache = test::scratch_dir("core-rendering-seeds");
    const backgrounds::StudioBackgroundGenerator studio;
    auto inputs = windbreaker(96, 96);
    const auto seed0 = render_variant(studio, inputs, cache, {}, {}).image;
    inputs.seed = 1;
    const auto seed1 = render_variant(studio, inputs, cache, {}, {}).image;
    QVERIFY(!same_pixels(seed0, seed1));
    inputs.colour = "#e0c090";
    const auto coloured1 = render_variant(studio, inputs, cache, {}, {}).image;
    inputs.seed = 0;
    const auto coloured0 = render_variant(studio, inputs, cache, {}, {}).image;
    QVERIFY(same_pixels(coloured0, coloured1));
  }

  // The product's tuned thresholds reach the generator (the diffusion one draws ControlNet's edge
  // map with them); untuned, the generator chooses.
  void theTunedEdgeThresholdsReachTheGenerator() {
    const auto cache = test::scratch_dir("core-rendering-edges");
    const EdgeRecorder recorder;
    auto inputs = windbreaker(120, 80);
    render_variant(recorder, inputs, cache, {}, {});
    QVERIFY(!recorder.edges);
    inputs.edge_thresholds = std::pair{35.0, 110.0};
    render_variant(recorder, inputs, cache, {}, {});
    QVERIFY(recorder.edges == std::pair(35.0, 110.0));
  }

  // The placement's own position and the layout rule the variant carries place the product.
  void thePlacementsPositionAndTheCarriedRulePlaceTheProduct() {
    const auto cache = test::scratch_dir("core-rendering-position");
    auto inputs = windbreaker(300, 300);
    const auto by_rule = place_variant_product(inputs, cache).transform.canvas_box;
    inputs.layout.anchor = imaging::Anchor::Floor;
    inputs.layout.floor_line = 0.9;
    const auto on_floor = place_variant_product(inputs, cache).transform.canvas_box;
    QCOMPARE(on_floor.size(), by_rule.size());
    QVERIFY(std::abs(on_floor.y + on_floor.height - 270) <= 2);
    inputs.placement.position = {0.3, std::nullopt, 0.4};
    const auto placed = place_variant_product(inputs, cache).transform.canvas_box;
    QVERIFY2(std::abs(std::max(placed.width, placed.height) - 120) <= 2, "scale 0.4 of 300 on the limiting side");
    QVERIFY(std::abs(placed.x + placed.width / 2.0 - 90) <= 2);
    QVERIFY(std::abs(placed.y + placed.height - 270) <= 2);  // y unset: still on the floor line
  }

  // The key holds the photo's hash and the saved mask's: a worker whose files differ refuses the
  // variant rather than cache other pixels under its key.
  void aPhotoOrMaskOtherThanPlannedIsRefused() {
    const auto cache = test::scratch_dir("core-rendering-planned-files");
    const backgrounds::StudioBackgroundGenerator studio;
    auto inputs = windbreaker(96, 96);
    inputs.product_image_sha256 = sha256_file_hex(inputs.product_image_path);
    (void)render_variant(studio, inputs, cache, {}, {});
    inputs.product_image_sha256 = std::string(64, '0');
    expect_refusal([&] { (void)render_variant(studio, inputs, cache, {}, {}); },
                   "has changed since the variant was planned");
    inputs.product_image_sha256.clear();

    const auto mask_file = imaging::product_mask_path(cache, "p1");
    const auto photo = imaging::load_image(inputs.product_image_path);
    inputs.mask.method = "file:0123456789abcdef";
    expect_refusal([&] { (void)place_variant_product(inputs, cache); }, "no such file");

    // A hand-drawn mask: a rectangle in the photo's top-left quarter.
    cv::Mat mask = cv::Mat::zeros(photo.bgr.size(), CV_8UC1);
    mask(cv::Rect(0, 0, photo.bgr.cols / 2, photo.bgr.rows / 4)).setTo(255);
    std::filesystem::create_directories(mask_file.parent_path());
    imaging::write_image(mask_file, mask);
    expect_refusal([&] { (void)place_variant_product(inputs, cache); }, "has changed since the variant was planned");
    inputs.mask.method = "file:" + sha256_file_hex(mask_file).substr(0, 16);
    const auto drawn = place_variant_product(inputs, cache).transform.source_box;
    QCOMPARE(drawn, cv::Rect(0, 0, photo.bgr.cols / 2, photo.bgr.rows / 4));
    // Planned without a saved mask: the automatic cut, whatever file appeared since.
    inputs.mask.method = "alpha";
    QVERIFY(place_variant_product(inputs, cache).transform.source_box != drawn);
  }

  // The LoRAs are in the key: a worker fusing others refuses the variant; the record names them.
  void theLorasArePlannedAndRecorded() {
    const auto cache = test::scratch_dir("core-rendering-loras");
    const auto file = cache / "style.safetensors";
    std::ofstream(file) << "lora weights";
    const LoraDiffusion generator(file);
    auto inputs = windbreaker(64, 64);
    inputs.steps = 4;
    inputs.scheduler = "lcm";
    inputs.guidance_scale = 1.0;
    try {
      (void)render_variant(generator, inputs, cache, {}, {});
      QFAIL("rendered a variant planned without the LoRA the generator fuses");
    } catch (const std::invalid_argument& error) {
      const QString message = error.what();
      QVERIFY2(message.contains("planned with no LoRA") && message.contains("fuses LoRAs") && message.contains(":0.8"),
               error.what());
    }
    inputs.loras = {variant_lora(file, 0.8)};
    const auto made = render_variant(generator, inputs, cache, {}, {}).made;
    QCOMPARE(made.loras.size(), std::size_t{1});
    QCOMPARE(made.loras[0].file, std::string("style.safetensors"));
    QCOMPARE(made.loras[0].sha256, sha256_file_hex(file));
    QCOMPARE(made.loras[0].multiplier, 0.8);
    QCOMPARE(backgrounds::to_json(made).at("loras").at(0).at("file").get<std::string>(),
             std::string("style.safetensors"));
    const backgrounds::StudioBackgroundGenerator studio;
    QVERIFY(!backgrounds::to_json(render_variant(studio, inputs, cache, {}, {}).made).contains("loras"));
  }

  void aDiffusionGeneratorRefusesOtherPlannedDenoising() {
    const auto cache = test::scratch_dir("core-rendering-denoising");
    const DiffusionLike generator;
    auto inputs = windbreaker(64, 64);  // planned with the defaults: 20 steps, ddim, 7.5
    try {
      (void)render_variant(generator, inputs, cache, {}, {});
      QFAIL("rendered a variant planned with other denoising parameters");
    } catch (const std::invalid_argument& error) {
      const QString message = error.what();
      QVERIFY2(message.contains("p1") && message.contains("20 steps") && message.contains("'ddim'") &&
                   message.contains("4 steps") && message.contains("'lcm'"),
               error.what());
    }
    // The compute dtype is planned too: a bf16 plan is not painted in fp32.
    inputs.steps = 4;
    inputs.scheduler = "lcm";
    inputs.guidance_scale = 1.0;
    inputs.dtype = "bf16";
    try {
      (void)render_variant(generator, inputs, cache, {}, {});
      QFAIL("rendered a bf16 variant in fp32");
    } catch (const std::invalid_argument& error) {
      QVERIFY2(QString(error.what()).contains("guidance 1, bf16, but this generator paints with 4 steps"),
               error.what());
    }
    inputs.dtype = "fp32";
    QCOMPARE(backgrounds::to_json(render_variant(generator, inputs, cache, {}, {}).made).at("dtype"), "fp32");
  }
};

QTEST_APPLESS_MAIN(VariantRenderingTest)
#include "variant_rendering_test.moc"
