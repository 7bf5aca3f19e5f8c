// Publishing a bundle to a full file system: the publish fails with an error naming the file it
// could not write, leaves no staging folder, tar or CURRENT temporary, and the previous version
// stays current and loads (what backdrop-serve serves). The target is a small tmpfs this test
// mounts (skipped where mounting is not possible); the project stays on the ordinary disk.

#include <QtTest>

#include "bundle_fixture.h"
#include "core/export/bundle_reader.h"
#include "core/export/publisher.h"
#include "project_fixture.h"
#include "support/small_tmpfs.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;
using backdrop::test::at_quality;

class FullDiskPublishTest : public QObject {
  Q_OBJECT

 private slots:
  void aPublishOnAFullDiskKeepsThePreviousVersion_data() {
    QTest::addColumn<QString>("fill_before");
    QTest::newRow("disk full from the start (writing the bundle fails)") << "build";
    QTest::newRow("disk full before CURRENT is replaced") << "switch";
  }

  void aPublishOnAFullDiskKeepsThePreviousVersion() {
    QFETCH(QString, fill_before);
    auto [dir, project, fixture] = test::make_export_project("export-full-disk-" + fill_before.toStdString());
    test::SmallTmpfs disk(dir / "target", 4 << 20);
    const auto& target = disk.path();
    const auto first = publish(project, at_quality(90), target);
    const auto previous_files = disk.files();
    const auto previous_exports = project.exports().list().size();

    PublishOptions options;
    options.before_step = [&](const std::string& step) {
      if (step == fill_before.toStdString()) disk.fill();
    };
    try {
      publish(project, at_quality(60), target, options);
      QFAIL("the publish succeeded on a full disk");
    } catch (const BundleError& error) {
      const std::string message = error.what();
      QVERIFY2(message.find(target.string() + "/") != std::string::npos, message.c_str());  // names the file
      QVERIFY2(message.find("No space left on device") != std::string::npos, message.c_str());
    }

    QCOMPARE(disk.files(), previous_files);  // no staging folder, tar or CURRENT temporary
    QCOMPARE(current_version(target), std::optional(first.version));
    const auto served = load_bundle(resolve_current_bundle(target));
    QCOMPARE(served.manifest.version, first.version);
    QCOMPARE(served.manifest.image_quality, 90);
    QCOMPARE(project.exports().list().size(), previous_exports);  // the failed publish is not recorded

    disk.release();  // with room again, the publish goes through
    const auto second = publish(project, at_quality(60), target);
    QCOMPARE(current_version(target), std::optional(second.version));
  }
};

int main(int argc, char** argv) {
  return backdrop::test::run_with_small_tmpfs<FullDiskPublishTest>(argc, argv);
}

#include "full_disk_test.moc"
