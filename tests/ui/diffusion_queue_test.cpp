// The generation queue and the prompt preview with diffusion weights in Settings: the tiny fixture
// models (BACKDROP_FIXTURES) assembled into a diffusers folder with its ControlNet. Through the
// real widgets: a product's variant is painted by diffusion, stored with its generator and
// artifact score, and keeps the product's pixels; no banner is shown. A corrupt checkpoint shows
// why in the queue, makes nothing, and the queue goes on working. The settings live in a scratch
// QSettings scope, never the user's.

#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/imaging/compositing.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/fixture_diffusers_folder.h"
#include "support/test_data.h"
#include "ui/catalogue_panel.h"
#include "ui/generation_panel.h"
#include "core/backgrounds/variant_png_record.h"
#include "core/rendering/variant_rendering.h"
#include "ui/image_conversion.h"
#include "ui/main_window.h"
#include "ui/project_session.h"
#include "ui/prompt_preview.h"
#include "ui/studio_settings.h"

using backdrop::ui::GenerationPanel;
using backdrop::ui::MainWindow;
using backdrop::ui::StudioSettings;
namespace fs = std::filesystem;

namespace {

// A small canvas keeps the fixture models quick.
const backdrop::Placement kSmallPlacement{0, "thumb", 96, 96};

void saveWeights(const fs::path& checkpoint, const fs::path& controlnet, int steps = 3) {
  StudioSettings settings;
  settings.checkpoint = backdrop::test::qpath(checkpoint);
  settings.controlnet = backdrop::test::qpath(controlnet);
  settings.steps = steps;
  settings.save();
}

// Opens a project with the example catalogue and the small placement; the queue view is shown.
void openProject(MainWindow& window, const std::string& name) {
  backdrop::test::openWithExampleCatalogue(window, backdrop::test::scratch_dir(name) / "studio.backdrop");
  if (QTest::currentTestFailed()) return;
  auto placements = window.session().project().placements();
  placements.save(kSmallPlacement);
  for (const auto& placement : placements.list()) {  // the seeded ad placements: too large for a quick test
    if (placement.name != kSmallPlacement.name) placements.remove(placement.name);
  }
  QVERIFY(window.showView("queue"));
  window.generation().refreshBanner();
}

// The variant keeps the placed product's pixels inside its mask eroded by the feather width.
void checkProductPixelsKept(const cv::Mat& image, const backdrop::imaging::PlacedProduct& placed) {
  const int side = 2 * backdrop::imaging::kFeatherWidth + 1;
  cv::Mat eroded;
  cv::erode(placed.mask, eroded, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
  QVERIFY(cv::countNonZero(eroded) > 50);
  cv::Mat difference;
  cv::absdiff(image, placed.product, difference);
  cv::Mat changed;
  cv::transform(difference, changed, cv::Matx13f(1, 1, 1));  // any channel differs
  QCOMPARE(cv::countNonZero(changed & eroded), 0);
}

}  // namespace

class DiffusionQueueTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       backdrop::test::qpath(backdrop::test::scratch_dir("studio-diffusion-settings")));
    QCoreApplication::setOrganizationName("BackdropTests");
    QCoreApplication::setApplicationName("ui_diffusion_queue");
    models_ = backdrop::test::fixture_diffusers_folder(backdrop::test::scratch_dir("studio-diffusion-models"));
  }

  void cleanup() { StudioSettings().save(); }

  void queuePaintsDiffusionVariants() {
    saveWeights(models_, backdrop::test::fixture_controlnet_folder(models_));
    MainWindow window;
    openProject(window, "studio-diffusion-queue");
    if (QTest::currentTestFailed()) return;
    QVERIFY(window.findChild<QLabel*>("noWeightsBanner")->isHidden());

    auto& generation = window.generation();
    const QString productId = window.catalogue().shownProductIds().front();
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(generation.start({productId}));
    QVERIFY(finished.wait(60000));
    qInfo("one fixture-model diffusion variant through the queue (models opened, 3 steps, 96x96): %.2f s",
          static_cast<double>(clock.elapsed()) / 1000.0);
    const QString summary = finished.back().front().toString();
    QVERIFY2(summary.startsWith("finished: 1 rendered"), qPrintable(summary));

    auto& project = window.session().project();
    const auto variants = project.variants().list_for_product(productId.toStdString());
    QCOMPARE(variants.size(), std::size_t{1});
    const auto& variant = variants.front();
    const fs::path image = project.cache_dir() / variant.image_path;
    const auto record = backdrop::backgrounds::read_variant_record(image);
    QVERIFY(record.has_value());
    QCOMPARE(record->generator, std::string("diffusion"));
    QVERIFY(variant.artifact_scores.count("edge_continuation") == 1);
    QVERIFY(variant.artifact_scores == record->artifact_scores);
    const auto inputs = backdrop::variant_inputs_from_json(nlohmann::json::parse(variant.inputs_json));
    QVERIFY(!inputs.model_sha256.empty() && !inputs.controlnet_sha256.empty());  // not a studio key
    QCOMPARE(inputs.steps, 3);

    const auto product = project.products().find(productId.toStdString());
    const auto placed = backdrop::place_variant_product(inputs, project.cache_dir());
    const cv::Mat painted = cv::imread(image.string(), cv::IMREAD_COLOR);
    QCOMPARE(painted.cols, kSmallPlacement.width);
    QCOMPARE(painted.rows, kSmallPlacement.height);
    checkProductPixelsKept(painted, placed);
  }

  // The LCM-LoRA recipe with a LoRA from Settings' list: 4 LCM steps at guidance 1, the LoRA
  // fused with the fixture's multiplier and keyed by its content hash in the variant's inputs.
  void lcmLoraRecipeThroughTheQueue() {
    const auto fixtures = backdrop::test::diffusion_fixtures();
    const auto runs = nlohmann::json::parse(std::ifstream(fixtures / "lora.json")).at("runs");
    // A kohya run's multiplier, one other than 1 where the fixture set has one (it scales the LoRA).
    double multiplier = 0;
    for (const auto& run : runs) {
      if (run.at("format") != "kohya") continue;
      const double candidate = run.at("multiplier").get<double>();
      if (multiplier == 0 || (multiplier == 1.0 && candidate != 1.0)) multiplier = candidate;
    }
    QVERIFY(multiplier > 0);
    saveWeights(models_, backdrop::test::fixture_controlnet_folder(models_), 4);
    auto settings = StudioSettings::load();
    settings.recipe = "lcm-lora";
    settings.loras = {backdrop::test::qpath(fixtures / "lora_kohya.safetensors") + ":" +
                      QString::number(multiplier, 'g', 17)};
    QVERIFY2(settings.problems().isEmpty(), qPrintable(settings.problems().join("; ")));
    settings.save();

    MainWindow window;
    openProject(window, "studio-diffusion-lcm-lora");
    if (QTest::currentTestFailed()) return;
    const QString productId = window.catalogue().shownProductIds().front();
    QSignalSpy finished(&window.generation(), &GenerationPanel::jobFinished);
    QVERIFY(window.generation().start({productId}));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.back().front().toString().startsWith("finished: 1 rendered"),
             qPrintable(finished.back().front().toString()));
    auto& project = window.session().project();
    const auto variant = project.variants().list_for_product(productId.toStdString()).front();
    const auto inputs = backdrop::variant_inputs_from_json(nlohmann::json::parse(variant.inputs_json));
    QCOMPARE(inputs.steps, 4);
    QCOMPARE(inputs.scheduler, std::string("lcm"));
    QCOMPARE(inputs.guidance_scale, 1.0);
    QCOMPARE(inputs.loras.size(), std::size_t{1});
    QCOMPARE(inputs.loras[0].multiplier, multiplier);
    QCOMPARE(inputs.loras[0].sha256.size(), std::size_t{64});
  }

  void jobRowCountsStepsAndCancelStopsWithinTheVariant() {
    saveWeights(models_, backdrop::test::fixture_controlnet_folder(models_), 150);  // long enough to watch
    MainWindow window;
    openProject(window, "studio-diffusion-cancel");
    if (QTest::currentTestFailed()) return;
    auto& generation = window.generation();
    const QString productId = window.catalogue().shownProductIds().front();
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start({productId}));
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    QTRY_VERIFY_WITH_TIMEOUT(jobs->item(jobs->rowCount() - 1, 2)->text().contains(" of 150"), 30000);
    auto* overall = window.findChild<QProgressBar*>("overallProgress");
    // The overall bar follows the job row on the panel's next poll.
    QTRY_VERIFY2_WITH_TIMEOUT(overall->value() > 0 && overall->value() < overall->maximum(),
                              qPrintable(QString::number(overall->value())), 30000);
    QTest::mouseClick(window.findChild<QPushButton*>("cancelGeneration"), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    const QString summary = finished.back().front().toString();
    QVERIFY2(summary.startsWith("cancelled: 0 rendered"), qPrintable(summary));
    QVERIFY(window.session().project().variants().list_for_product(productId.toStdString()).empty());
  }

  void previewPaintsWithDiffusion() {
    saveWeights(models_, backdrop::test::fixture_controlnet_folder(models_));
    MainWindow window;
    openProject(window, "studio-diffusion-preview");
    if (QTest::currentTestFailed()) return;
    QVERIFY(window.showView("prompts"));
    window.findChild<backdrop::ui::PromptPreviewPanel*>("promptPreviewPanel")->refreshBanner();
    QVERIFY(window.findChild<QLabel*>("previewNoWeightsBanner")->isHidden());
    const QString productId = window.catalogue().shownProductIds().front();
    const auto product = window.session().project().products().find(productId.toStdString());
    window.findChild<QComboBox*>("promptCategory")->setCurrentText(QString::fromStdString(product->category));
    QTest::mouseClick(window.findChild<QPushButton*>("addPrompt"), Qt::LeftButton);
    window.findChild<QTableWidget*>("promptTable")->setCurrentCell(0, 0);
    window.findChild<QComboBox*>("previewProduct")->setCurrentText(productId);

    auto* preview = window.findChild<backdrop::ui::PromptPreviewPanel*>("promptPreviewPanel");
    QSignalSpy finished(preview, &backdrop::ui::PromptPreviewPanel::finished);
    QTest::mouseClick(window.findChild<QPushButton*>("previewPrompt"), Qt::LeftButton);
    QVERIFY(preview->isRendering());
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.front().front().toString().startsWith("rendered"), qPrintable(finished.front().front().toString()));
    QCOMPARE(preview->image().size(), QSize(kSmallPlacement.width, kSmallPlacement.height));
    // Not the studio backdrop the same prompt makes without weights.
    const auto cache = window.session().project().cache_dir();
    backdrop::VariantInputs inputs = backdrop::make_variant_inputs();
    inputs.product_id = product->external_id;
    inputs.product_image_path = product->image_path;
    inputs.placement = kSmallPlacement;
    inputs.product_category = product->category;
    inputs.product_title = product->title;
    const backdrop::backgrounds::StudioBackgroundGenerator studio;
    const auto studioVariant = backdrop::render_variant(studio, inputs, cache, {}, {});
    QVERIFY(preview->image().convertToFormat(QImage::Format_RGB888) !=
            backdrop::ui::toQImage(studioVariant.image).convertToFormat(QImage::Format_RGB888));

    // A long preview counts its steps in the status and stops on Cancel; the last image stays.
    saveWeights(models_, backdrop::test::fixture_controlnet_folder(models_), 150);
    const QImage before = preview->image();
    finished.clear();
    QTest::mouseClick(window.findChild<QPushButton*>("previewPrompt"), Qt::LeftButton);
    auto* status = window.findChild<QLabel*>("promptPreviewStatus");
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("step") && status->text().contains("of 150"), 30000);
    QTest::mouseClick(window.findChild<QPushButton*>("cancelPreview"), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.front().front().toString(), QString("cancelled"));
    QCOMPARE(preview->image(), before);
  }

  void corruptCheckpointIsReportedAndTheQueueGoesOn() {
    const auto dir = backdrop::test::scratch_dir("studio-diffusion-corrupt");
    const fs::path broken = dir / "broken.safetensors";
    std::ofstream(broken) << "these bytes are not a checkpoint";
    saveWeights(broken, backdrop::test::fixture_controlnet_folder(models_));
    MainWindow window;
    openProject(window, "studio-diffusion-corrupt-project");
    if (QTest::currentTestFailed()) return;

    auto& generation = window.generation();
    const QString productId = window.catalogue().shownProductIds().front();
    QSignalSpy finished(&generation, &GenerationPanel::jobFinished);
    QVERIFY(generation.start({productId}));
    QVERIFY(finished.wait(30000));
    const QString summary = finished.back().front().toString();
    qInfo("%s", qPrintable(summary));
    QVERIFY2(summary.startsWith("failed: cannot load the diffusion models"), qPrintable(summary));
    QVERIFY2(summary.contains("broken.safetensors"), qPrintable(summary));
    auto* jobs = window.findChild<QTableWidget*>("jobTable");
    QCOMPARE(jobs->item(jobs->rowCount() - 1, 2)->text(), summary);
    QCOMPARE(window.findChild<QLabel*>("generationEta")->text(), summary);
    auto& project = window.session().project();
    QVERIFY(project.variants().list_for_product(productId.toStdString()).empty());
    QVERIFY(!generation.isRunning());
    QVERIFY(window.findChild<QPushButton*>("startGeneration")->isEnabled());

    // Without weights the same queue makes studio backdrops, and the banner says so.
    StudioSettings().save();
    generation.refreshBanner();
    QVERIFY(!window.findChild<QLabel*>("noWeightsBanner")->isHidden());
    finished.clear();
    QVERIFY(generation.start({productId}));
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.back().front().toString().startsWith("finished: 1 rendered"),
             qPrintable(finished.back().front().toString()));
    const auto variants = project.variants().list_for_product(productId.toStdString());
    QCOMPARE(variants.size(), std::size_t{1});
    // The studio backdrop, scored and recorded as every variant is.
    const auto record = backdrop::backgrounds::read_variant_record(project.cache_dir() / variants.front().image_path);
    QVERIFY(record.has_value());
    QCOMPARE(record->generator, std::string("studio"));
  }

 private:
  fs::path models_;
};

QTEST_MAIN(DiffusionQueueTest)
#include "diffusion_queue_test.moc"
