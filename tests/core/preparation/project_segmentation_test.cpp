// A project's segmentation settings: stored in the project file, read back exactly, defaults
// when unset, malformed values named, and flags override one value each.

#include <QtTest>

#include "core/imaging/image_error.h"
#include "core/preparation/project_segmentation.h"
#include "core/store/project.h"
#include "core/store/schema.h"
#include "core/store/store_error.h"
#include "support/test_data.h"

using namespace backdrop;
using imaging::SegmenterPreset;
using imaging::SegmenterSettings;

namespace {

std::filesystem::path scratch(const std::string& name) {
  return test::scratch_dir("preparation-" + name + "-" + std::to_string(QCoreApplication::applicationPid()));
}

void compare(const SegmenterSettings& a, const SegmenterSettings& b) {
  QCOMPARE(a.model, b.model);
  QCOMPARE(a.preset, b.preset);
  QCOMPARE(a.custom.size, b.custom.size);
  for (int c = 0; c < 3; ++c) {
    QCOMPARE(a.custom.mean[c], b.custom.mean[c]);
    QCOMPARE(a.custom.std[c], b.custom.std[c]);
  }
  QCOMPARE(a.confidence_threshold, b.confidence_threshold);
  QCOMPARE(a.device, b.device);
}

}  // namespace

class ProjectSegmentationTest : public QObject {
  Q_OBJECT

 private slots:
  void anUnsetProjectReadsAsTheDefaults() {
    auto project = Project::create(scratch("defaults") / "shop.backdrop");
    compare(load_segmenter_settings(project), SegmenterSettings{});
    QCOMPARE(load_segmenter_settings(project).confidence_threshold, 0.8);
  }

  void settingsRoundTripThroughTheProjectFile() {
    const auto file = scratch("round-trip") / "shop.backdrop";
    SegmenterSettings saved;
    saved.model = "/models/rmbg-1.4.onnx";
    saved.preset = SegmenterPreset::Custom;
    saved.custom = {512, {0.5, 0.25, 0.125}, {1.0, 0.9, 0.7}};
    saved.confidence_threshold = 0.65;
    {
      auto created = Project::create(file);
      save_segmenter_settings(created, saved);
    }
    auto reopened = Project::open(file);
    compare(load_segmenter_settings(reopened), saved);
    QCOMPARE(*reopened.settings().get("segmentation.preset"), std::string("custom"));
    QCOMPARE(*reopened.settings().get("segmentation.confidence_threshold"), std::string("0.65"));
    // Saving again replaces the values.
    saved.model.clear();
    saved.preset = SegmenterPreset::Rmbg;
    save_segmenter_settings(reopened, saved);
    QVERIFY(load_segmenter_settings(reopened).model.empty());
    QCOMPARE(load_segmenter_settings(reopened).preset, SegmenterPreset::Rmbg);
  }

  void outOfRangeValuesAreNotStored() {
    auto project = Project::create(scratch("range") / "shop.backdrop");
    SegmenterSettings bad;
    bad.confidence_threshold = 1.5;
    QVERIFY_THROWS_EXCEPTION(imaging::ImageError, save_segmenter_settings(project, bad));
    QVERIFY(project.settings().with_prefix("segmentation.").empty());
  }

  void aMalformedStoredValueNamesTheFileAndKey() {
    auto project = Project::create(scratch("malformed") / "shop.backdrop");
    project.settings().set("segmentation.confidence_threshold", "high");
    try {
      load_segmenter_settings(project);
      QFAIL("a malformed threshold must be refused");
    } catch (const StoreError& error) {
      const std::string message = error.what();
      QVERIFY2(message.find("shop.backdrop") != std::string::npos, error.what());
      QVERIFY2(message.find("segmentation.confidence_threshold 'high'") != std::string::npos, error.what());
    }
    project.settings().set("segmentation.confidence_threshold", "0.7");
    project.settings().set("segmentation.preset", "deeplab");
    QVERIFY_THROWS_EXCEPTION(StoreError, load_segmenter_settings(project));
  }

  void flagsOverrideOneValueEach() {
    auto project = Project::create(scratch("overrides") / "shop.backdrop");
    SegmenterSettings stored;
    stored.model = "/models/u2net.onnx";
    stored.preset = SegmenterPreset::Rmbg;
    stored.confidence_threshold = 0.7;
    save_segmenter_settings(project, stored);

    compare(resolve_segmenter_settings(project), stored);
    SegmenterOverrides overrides;
    overrides.confidence_threshold = 0.9;
    overrides.device = "cuda:0";
    const auto resolved = resolve_segmenter_settings(project, overrides);
    QCOMPARE(resolved.confidence_threshold, 0.9);
    QCOMPARE(resolved.device, std::string("cuda:0"));
    QCOMPARE(resolved.model, stored.model);
    QCOMPARE(resolved.preset, SegmenterPreset::Rmbg);
    QCOMPARE(load_segmenter_settings(project).confidence_threshold, 0.7);  // a run's flags are not stored

    SegmenterOverrides custom_values;  // a custom size needs the custom preset
    custom_values.size = 640;
    QVERIFY_THROWS_EXCEPTION(imaging::ImageError, resolve_segmenter_settings(project, custom_values));
    custom_values.preset = SegmenterPreset::Custom;
    const auto custom = resolve_segmenter_settings(project, custom_values);
    QCOMPARE(custom.custom.size, 640);
    QCOMPARE(custom.custom.mean[0], imaging::InputConvention{}.mean[0]);
  }

  void aVersion3ProjectGainsTheSettingsTable() {
    const auto file = scratch("v3") / "old.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 3);
    }
    auto project = Project::open(file);
    QCOMPARE(project.schema_version(), latest_schema_version());
    compare(load_segmenter_settings(project), SegmenterSettings{});
    project.settings().set("segmentation.model", "/m.onnx");
    QCOMPARE(load_segmenter_settings(project).model, std::filesystem::path("/m.onnx"));
  }
};

QTEST_GUILESS_MAIN(ProjectSegmentationTest)
#include "project_segmentation_test.moc"
