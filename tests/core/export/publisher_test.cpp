#include <QtTest>

#include <set>

#include "bundle_fixture.h"
#include "core/export/bundle_reader.h"
#include "core/export/publisher.h"
#include "project_fixture.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;
using backdrop::test::at_quality;

namespace {

// Names in `folder` that a publish leaves behind only when it fails to clean up.
std::vector<std::string> leftovers(const std::filesystem::path& target) {
  std::vector<std::string> names;
  for (const auto& folder : {target, target / "versions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      const auto name = entry.path().filename().string();
      if (name.starts_with(".incoming-") || name.starts_with("CURRENT.tmp-")) names.push_back(name);
    }
  }
  return names;
}

std::set<std::string> as_set(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

}  // namespace

class PublisherTest : public QObject {
  Q_OBJECT

 private slots:
  void publishTwiceThenRollBack() {
    auto [dir, project, fixture] = test::make_export_project("export-publish");
    const auto target = dir / "target";
    QVERIFY(!current_version(target));
    QVERIFY_THROWS_EXCEPTION(BundleError, resolve_current_bundle(target));

    const auto first = publish(project, at_quality(90), target);
    QCOMPARE(current_version(target), std::optional(first.version));
    QCOMPARE(test::read_text(target / "CURRENT"), first.version + "\n");
    QCOMPARE(first.folder, target / "versions" / first.version);
    QVERIFY(std::filesystem::is_regular_file(target / "versions" / (first.version + ".tar")));

    const auto second = publish(project, at_quality(60), target);
    QVERIFY(second.version != first.version);
    QCOMPARE(current_version(target), std::optional(second.version));
    QCOMPARE(resolve_current_bundle(target), target / "versions" / second.version);
    QCOMPARE(load_bundle(resolve_current_bundle(target)).manifest.image_quality, 60);
    QCOMPARE(as_set(list_versions(target)), (std::set{first.version, second.version}));

    rollback(target, first.version);
    QCOMPARE(current_version(target), std::optional(first.version));
    QCOMPARE(load_bundle(resolve_current_bundle(target)).manifest.image_quality, 90);
    QVERIFY(leftovers(target).empty());

    const auto exports = project.exports().list();
    QCOMPARE(exports.size(), std::size_t{2});
    QCOMPARE(exports[1].destination, second.folder.string());
    QCOMPARE(exports[1].manifest_sha256, sha256_file_hex(second.folder / "manifest.json"));
  }

  void retentionKeepsTheNewestAndTheCurrent() {
    auto [dir, project, fixture] = test::make_export_project("export-retention");
    const auto target = dir / "target";
    PublishOptions keep_two;
    keep_two.keep_versions = 2;
    std::vector<std::string> published;
    for (const int quality : {90, 80, 70})
      published.push_back(publish(project, at_quality(quality), target, keep_two).version);
    const auto kept = list_versions(target);
    QCOMPARE(kept.size(), std::size_t{2});
    QVERIFY(as_set(kept).contains(published.back()));
    for (const auto& version : published) {
      QCOMPARE(std::filesystem::exists(target / "versions" / (version + ".tar")), as_set(kept).contains(version));
    }

    // The current version survives pruning even when it is the oldest.
    rollback(target, kept.front());
    QCOMPARE(prune_versions(target, 1), std::vector<std::string>{kept.back()});
    QCOMPARE(list_versions(target), std::vector<std::string>{kept.front()});
    publish(project, at_quality(50), target, keep_two);
    const auto after = list_versions(target);
    QCOMPARE(after.size(), std::size_t{2});
    QVERIFY(as_set(after).contains(*current_version(target)));
  }

  void failureAtAnyStepLeavesThePreviousVersionServing() {
    auto [dir, project, fixture] = test::make_export_project("export-publish-failure");
    const auto target = dir / "target";
    const auto serving = publish(project, at_quality(90), target).version;
    int quality = 80;
    for (const auto* failing_step : {"build", "sync", "verify", "activate", "switch"}) {
      PublishOptions options;
      options.before_step = [&](const std::string& step) {
        if (step == failing_step) throw BundleError(std::string("injected failure before ") + step);
      };
      try {
        publish(project, at_quality(quality--), target, options);
        QFAIL("the injected failure must propagate");
      } catch (const BundleError& error) {
        QVERIFY(std::string(error.what()).find(failing_step) != std::string::npos);
      }
      QCOMPARE(current_version(target), std::optional(serving));
      QCOMPARE(list_versions(target), std::vector<std::string>{serving});
      QVERIFY2(leftovers(target).empty(), failing_step);
      load_bundle(resolve_current_bundle(target));
    }

    CancellationToken cancel;
    const auto cancel_midway = [&](const Progress& progress) {
      if (progress.done == 2) cancel.cancel();
    };
    QVERIFY_THROWS_EXCEPTION(Cancelled, publish(project, at_quality(40), target, {}, cancel_midway, cancel));
    QCOMPARE(current_version(target), std::optional(serving));
    QCOMPARE(list_versions(target), std::vector<std::string>{serving});
    QVERIFY(leftovers(target).empty());
    QCOMPARE(project.exports().list().size(), std::size_t{1});

    // What a killed publisher left: removed by the next publish once it is an hour old.
    const auto stale = target / "versions/.incoming-killed", recent = target / "versions/.incoming-running";
    std::filesystem::create_directories(stale / "images");
    std::filesystem::create_directories(recent);
    std::filesystem::last_write_time(stale, std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
    publish(project, at_quality(30), target);
    QVERIFY(!std::filesystem::exists(stale));
    QVERIFY(std::filesystem::exists(recent));
    std::filesystem::remove(recent);

    // A target that cannot hold folders.
    test::write_text(dir / "file", "a file, not a folder");
    QVERIFY_THROWS_EXCEPTION(BundleError, publish(project, {}, dir / "file" / "target"));
  }

  void rollbackRefusesCorruptOrUnknownVersions() {
    auto [dir, project, fixture] = test::make_export_project("export-rollback");
    const auto target = dir / "target";
    const auto old_version = publish(project, at_quality(90), target).version;
    const auto new_version = publish(project, at_quality(60), target).version;

    const auto bundle = load_bundle(target / "versions" / old_version);
    const auto image = target / "versions" / old_version / bundle.manifest.files.back().path;
    auto bytes = test::read_text(image);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
    test::write_text(image, bytes);
    try {
      rollback(target, old_version);
      QFAIL("a corrupt version must not become current");
    } catch (const BundleError& error) {
      const std::string message = error.what();
      QVERIFY2(
          message.find("refusing to roll back") != std::string::npos && message.find("SHA-256") != std::string::npos,
          message.c_str());
    }
    QCOMPARE(current_version(target), std::optional(new_version));
    QVERIFY_THROWS_EXCEPTION(BundleError, rollback(target, "20200101T000000Z-00000000"));
    QVERIFY_THROWS_EXCEPTION(BundleError, rollback(target, "../versions"));
    QCOMPARE(current_version(target), std::optional(new_version));

    test::write_text(target / "CURRENT", "../../etc\n");
    QVERIFY_THROWS_EXCEPTION(BundleError, resolve_current_bundle(target));
  }
};

QTEST_APPLESS_MAIN(PublisherTest)
#include "publisher_test.moc"
