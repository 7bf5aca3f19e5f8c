// The Studio and the CLI take a project's segmentation from the project: a new project starts from
// the user's Settings, the Settings dialog edits the open project's values, the CLI's flags resolve
// to the same settings as the Studio's engine call (flags override one value each), and Studio's
// Prepare and `backdrop prepare --project` with the project's ONNX model write the same masks and
// verdicts.

#include <QtTest>

#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/cli/segmenter_options.h"
#include "core/imaging/product_segmentation.h"
#include "core/preparation/project_segmentation.h"
#include "core/preparation/saved_mask_review.h"
#include "core/store/project.h"
#include "studio_test_project.h"
#include "support/test_data.h"
#include "ui/main_window.h"
#include "ui/project_session.h"
#include "ui/settings_dialog.h"
#include "ui/studio_settings.h"

using namespace backdrop;
using ui::MainWindow;
using ui::StudioSettings;

namespace {

// What `backdrop prepare` resolves for `project` with `flags` (its own option code, parsed by CLI11).
imaging::SegmenterSettings cliSettings(Project& project, std::vector<std::string> flags) {
  CLI::App app;
  cli::SegmenterArguments arguments;
  cli::add_segmenter_options(app, arguments);
  std::reverse(flags.begin(), flags.end());  // CLI11 takes them last first
  app.parse(flags);
  return cli::resolve_segmenter_arguments(arguments, &project);
}

void compare(const imaging::SegmenterSettings& a, const imaging::SegmenterSettings& b) {
  QCOMPARE(a.model, b.model);
  QCOMPARE(a.preset, b.preset);
  QCOMPARE(a.custom.size, b.custom.size);
  QVERIFY(a.custom.mean == b.custom.mean && a.custom.std == b.custom.std);
  QCOMPARE(a.confidence_threshold, b.confidence_threshold);
  QCOMPARE(a.device, b.device);
}

// The example catalogue's rows of `ids`, with absolute image paths, as a CSV at `file`.
void writeCatalogueOf(const QStringList& ids, const std::filesystem::path& file) {
  std::ifstream in(test::product_data() / "catalog.csv");
  std::ofstream out(file);
  std::string line;
  std::getline(in, line);
  out << line << "\n";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the file has CRLF line ends
    const auto id = QString::fromStdString(line.substr(0, line.find(',')));
    if (!ids.contains(id)) continue;
    const auto image = line.rfind(',');
    const auto photo = std::filesystem::absolute(test::product_data() / line.substr(image + 1));
    out << line.substr(0, image + 1) << photo.string() << "\n";
  }
}

// The example catalogue's photo file of product `id`.
std::string photoOf(const std::string& id) {
  std::ifstream in(test::product_data() / "catalog.csv");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the file has CRLF line ends
    if (line.rfind(id + ",", 0) == 0) return line.substr(line.rfind(',') + 1);
  }
  return {};
}

std::filesystem::path scratch(const std::string& name) {
  return test::scratch_dir("studio-segmentation-" + name + "-" + std::to_string(QCoreApplication::applicationPid()));
}

}  // namespace

class ProjectSegmentationTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void aNewProjectStartsFromTheUsersSettingsThenKeepsItsOwn() {
    StudioSettings user;
    user.segmenterPreset = "rmbg";
    user.confidenceThreshold = 0.7;
    user.save();
    ui::ProjectSession session;
    session.create(test::qpath(scratch("seed") / "seeded.backdrop"));
    auto stored = load_segmenter_settings(session.project());
    QCOMPARE(stored.preset, imaging::SegmenterPreset::Rmbg);
    QCOMPARE(stored.confidence_threshold, 0.7);

    user.confidenceThreshold = 0.9;  // later changes of the defaults leave the project alone
    user.save();
    QCOMPARE(ui::projectSegmenterSettings(session.project()).confidence_threshold, 0.7);
    StudioSettings{}.save();
  }

  void theCliAndTheStudioResolveTheSameSettings() {
    auto project = Project::create(scratch("resolve") / "shop.backdrop");
    imaging::SegmenterSettings stored;
    stored.model = (test::segmentation_fixtures() / "tiny_salient.onnx").string();
    stored.preset = imaging::SegmenterPreset::Custom;
    stored.custom = {96, {0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}};
    stored.confidence_threshold = 0.75;
    save_segmenter_settings(project, stored);

    const auto studio = ui::projectSegmenterSettings(project);
    compare(cliSettings(project, {}), studio);
    compare(studio, stored);
    const auto overridden = cliSettings(project, {"--confidence-threshold", "0.9"});
    QCOMPARE(overridden.confidence_threshold, 0.9);
    QCOMPARE(overridden.model, studio.model);
    QCOMPARE(overridden.custom.size, 96);
  }

  void theSettingsDialogEditsTheOpenProject() {
    auto project = Project::create(scratch("dialog") / "shop.backdrop");
    imaging::SegmenterSettings stored;
    stored.confidence_threshold = 0.55;
    save_segmenter_settings(project, stored);
    ui::SettingsDialog dialog(nullptr, &project);
    QVERIFY(dialog.findChild<QLabel*>("segmentationScope")->text().contains("this project"));
    auto* threshold = dialog.findChild<QDoubleSpinBox*>("confidenceThreshold");
    QCOMPARE(threshold->value(), 0.55);
    threshold->setValue(0.6);
    dialog.findChild<QLineEdit*>("outputFolder")->clear();
    QVERIFY(dialog.trySave());
    QCOMPARE(load_segmenter_settings(project).confidence_threshold, 0.6);
    QCOMPARE(cliSettings(project, {}).confidence_threshold, 0.6);
    QCOMPARE(StudioSettings::load().confidenceThreshold, 0.6);  // the default for new projects too
    StudioSettings{}.save();
  }

  void studioPrepareAndCliPrepareMakeTheSameMasks() {
    StudioSettings{}.save();  // the user's defaults differ from the project's below
    MainWindow window;
    const auto dir = scratch("same-masks");
    test::openWithExampleCatalogue(window, dir / "same.backdrop");
    if (QTest::currentTestFailed()) return;
    auto& project = window.session().project();
    imaging::SegmenterSettings settings;
    settings.model = (test::segmentation_fixtures() / "tiny_salient.onnx").string();
    settings.confidence_threshold = 1.0;  // the user's default is 0.8: only the project's says 1.00
    save_segmenter_settings(project, settings);

    QSignalSpy prepared(&window, &MainWindow::prepareFinished);
    QVERIFY(window.prepareProducts({"p003", "p004"}));
    QVERIFY(prepared.wait(60000));
    const auto p003 = *project.masks().find("p003");
    QVERIFY(p003.confidence < 1.0);
    QCOMPARE(p003.status, MaskStatus::needs_attention);
    QVERIFY2(p003.reasons.front().find("below the threshold 1.00") != std::string::npos, p003.reasons.front().c_str());
    const auto studioVerdict = *project.masks().find("p004");
    const auto maskFile = imaging::product_mask_path(project.cache_dir(), "p004");
    const cv::Mat studioMask = cv::imread(maskFile.string(), cv::IMREAD_UNCHANGED);
    QVERIFY(!studioMask.empty());
    std::filesystem::remove(maskFile);

    const auto csv = dir / "two.csv";
    writeCatalogueOf({"p003", "p004"}, csv);
    QProcess cli;
    cli.start(BACKDROP_CLI, {"prepare", "--project", test::qpath(dir / "same.backdrop"), "--catalog", test::qpath(csv),
                             "--out", test::qpath(dir / "out"), "--placements", "square"});
    QVERIFY(cli.waitForFinished(120000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    QVERIFY2(cli.readAllStandardOutput().contains("recorded the masks of 2 products"), "the CLI records them");
    const cv::Mat cliMask = cv::imread(maskFile.string(), cv::IMREAD_UNCHANGED);
    QCOMPARE(cliMask.size(), studioMask.size());
    QCOMPARE(cv::countNonZero(cliMask != studioMask), 0);
    const auto cliVerdict = *project.masks().find("p004");
    QCOMPARE(cliVerdict.status, studioVerdict.status);
    QCOMPARE(cliVerdict.method, studioVerdict.method);
    QCOMPARE(cliVerdict.confidence, studioVerdict.confidence);
    QVERIFY(cliVerdict.reasons == studioVerdict.reasons);
  }

  // A project prepared before mask verdicts: opening it checks its saved masks on a worker, and
  // the one that takes the backdrop too needs attention from then on.
  void openingAnOldProjectGivesItsSavedMasksAVerdict() {
    const auto dir = scratch("old-masks");
    const auto file = dir / "old.backdrop";
    {
      auto project = Project::create(file);
      for (const std::string id : {"p003", "p004"}) {
        project.products().upsert({0, id, "apparel", id,
                                   std::filesystem::absolute(test::product_data() / photoOf(id)).string(), id, 0});
      }
      for (const std::string id : {"p003", "p004"}) {
        const cv::Mat photo = cv::imread(project.products().find(id)->image_path);
        cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
        // p003: a margin all round; p004: the whole top half, wall and all.
        const cv::Rect area = id == "p003" ? cv::Rect(photo.cols / 4, photo.rows / 4, photo.cols / 2, photo.rows / 2)
                                           : cv::Rect(0, 0, photo.cols, photo.rows / 2);
        mask(area).setTo(255);
        const auto saved = imaging::product_mask_path(project.cache_dir(), id);
        std::filesystem::create_directories(saved.parent_path());
        QVERIFY(cv::imwrite(saved.string(), mask));
      }
    }
    MainWindow window;
    QSignalSpy reviewed(&window, &MainWindow::savedMasksReviewed);
    QVERIFY(window.openProject(test::qpath(file)));
    QVERIFY(reviewed.wait(30000));
    QVERIFY2(reviewed.back().front().toString().contains("Checked 2 mask(s)"), "the status bar says so");
    auto masks = window.session().project().masks();
    QCOMPARE(masks.find("p003")->status, MaskStatus::automatic);
    QCOMPARE(masks.find("p004")->status, MaskStatus::needs_attention);
    QCOMPARE(masks.find("p004")->method, std::string("saved"));
  }
};

QTEST_MAIN(ProjectSegmentationTest)
#include "project_segmentation_test.moc"
