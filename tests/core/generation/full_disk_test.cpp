// A variant cache write on a full file system: the task fails with an error naming the file, no
// partial or temporary file stays in the cache, and the entries written before are untouched.
// The cache lives on a small tmpfs this test mounts (skipped where mounting is not possible).

#include <QtTest>

#include <map>

#include <opencv2/imgcodecs.hpp>

#include "core/generation/jobs_runner.h"
#include "core/generation/jobs_sqlite_queue.h"
#include "core/imaging/png_text.h"
#include "core/store/sha256.h"
#include "core/store/sqlite_database.h"
#include "jobs_fixture.h"
#include "support/small_tmpfs.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace std::chrono_literals;

namespace {

// Writes what Studio's renderers write: a PNG with the variant's record in a text chunk.
class PngWithTextRenderer : public VariantRenderer {
 public:
  void render(const VariantInputs& inputs, const std::filesystem::path& output, const CancellationToken&) override {
    cv::Mat image(inputs.placement.height, inputs.placement.width, CV_8UC3);
    cv::randu(image, 0, 256);  // noise: compression cannot make it fit
    imaging::write_png_with_text(output, image, {{"backdrop:variant", std::string(4096, 'r')}});
  }
};

std::map<std::string, std::string> hashes(const std::filesystem::path& root, const std::set<std::string>& files) {
  std::map<std::string, std::string> result;
  for (const auto& file : files) result[file] = sha256_file_hex(root / file);
  return result;
}

std::vector<std::string> task_errors(const std::filesystem::path& project_file, const std::string& job) {
  Database database(project_file, Database::Mode::open_existing);
  Statement select(database,
                   "SELECT t.error FROM job_tasks t JOIN jobs j ON j.id = t.job_id "
                   "WHERE j.name = ? AND t.state = 'failed'");
  select.bind(1, job);
  return read_all(select, [](Statement& row) { return row.column_text(0); });
}

}  // namespace

class FullDiskCacheTest : public QObject {
  Q_OBJECT

 private slots:
  void aFullDiskFailsTheTaskAndKeepsTheCache_data() {
    QTest::addColumn<bool>("studio_png");
    QTest::newRow("png with text (Studio's renderers)") << true;
    QTest::newRow("solid colour (backdrop worker --renderer solid)") << false;
  }

  void aFullDiskFailsTheTaskAndKeepsTheCache() {
    QFETCH(bool, studio_png);
    const auto dir = test::scratch_dir(studio_png ? "generation-full-disk-png" : "generation-full-disk-solid");
    const auto file = test::make_job_project(dir, 2);  // the project stays on the ordinary disk
    test::SmallTmpfs disk(dir / "disk", 1 << 20);
    const CacheStore cache(disk.path() / "cache");
    PngWithTextRenderer png_renderer;
    SolidColourRenderer solid_renderer;
    VariantRenderer& renderer = studio_png ? static_cast<VariantRenderer&>(png_renderer) : solid_renderer;

    SqliteJobQueue first(file, "first");
    first.submit(test::plan_job(file, 1));
    QCOMPARE(run_job(first, renderer, cache, {1, 60s, 10ms, ""}).rendered, int64_t{2});
    const auto previous = disk.files();
    QCOMPARE(previous.size(), std::size_t{2});
    const auto previous_hashes = hashes(disk.path(), previous);

    disk.fill();
    SqliteJobQueue second(file, "second");
    QCOMPARE(second.submit(test::plan_job(file, 2)), int64_t{4});
    const auto full = run_job(second, renderer, cache, {1, 60s, 10ms, ""});
    QCOMPARE(full.reused, int64_t{2});
    QCOMPARE(full.rendered, int64_t{0});
    QCOMPARE(full.failed, int64_t{2});
    const auto errors = task_errors(file, "second");
    QCOMPARE(errors.size(), std::size_t{2});
    for (const auto& error : errors) {
      QVERIFY2(error.find(cache.root().string()) != std::string::npos, error.c_str());  // names the file
      QVERIFY2(error.find("No space left on device") != std::string::npos, error.c_str());
    }
    QCOMPARE(disk.files(), previous);  // no partial image, no temporary
    QCOMPARE(hashes(disk.path(), previous), previous_hashes);

    disk.release();  // with room again, retrying renders the two missing images whole
    QCOMPARE(second.retry_failed(), int64_t{2});
    QCOMPARE(run_job(second, renderer, cache, {1, 60s, 10ms, ""}).rendered, int64_t{2});
    QCOMPARE(disk.files().size(), std::size_t{4});
    for (const auto& image : disk.files()) QVERIFY(!cv::imread((disk.path() / image).string()).empty());
  }
};

int main(int argc, char** argv) {
  return backdrop::test::run_with_small_tmpfs<FullDiskCacheTest>(argc, argv);
}

#include "full_disk_test.moc"
