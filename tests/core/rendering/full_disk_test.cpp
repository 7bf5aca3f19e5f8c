// The job queue's renderer with the studio backdrop (what runs while no diffusion weights are
// configured) on a full cache disk: the render fails naming the file and the reason, and leaves no
// partial image beside the cache entries written before. The cache is a small tmpfs this test mounts (skipped
// where mounting is not possible).

#include <QtTest>

#include "core/generation/cache_store.h"
#include "core/imaging/image_error.h"
#include "core/rendering/generator_variant_renderer.h"
#include "core/store/sha256.h"
#include "support/small_tmpfs.h"
#include "support/test_data.h"

using namespace backdrop;

class RendererFullDiskTest : public QObject {
  Q_OBJECT

 private slots:
  void aRenderOnAFullDiskFailsAndKeepsTheCache_data() {
    QTest::addColumn<int>("side");
    QTest::newRow("32 px") << 32;
    QTest::newRow("256 px") << 256;
  }

  void aRenderOnAFullDiskFailsAndKeepsTheCache() {
    QFETCH(int, side);
    test::SmallTmpfs disk(test::scratch_dir("core-rendering-full-disk") / "disk", 1 << 20);
    const CacheStore cache(disk.path() / "cache");
    auto inputs = make_variant_inputs();
    inputs.product_id = "p1";
    inputs.product_category = "apparel";
    inputs.product_image_path = (test::product_data() / "apparel_01_yellow_windbreaker.jpg").string();
    inputs.placement.width = side;
    inputs.placement.height = side;
    const backgrounds::StudioBackgroundGenerator studio;
    GeneratorVariantRenderer renderer(studio, cache.root());

    const std::string previous_key(64, 'a');
    const auto first = cache.temporary_path(previous_key);
    renderer.render(inputs, first, {});
    cache.publish(first, previous_key);
    const auto previous_hash = sha256_file_hex(cache.path_for(previous_key));
    const auto previous_files = disk.files();

    disk.fill();
    const auto temporary = cache.temporary_path(std::string(64, 'b'));
    try {
      renderer.render(inputs, temporary, {});
      QFAIL("the render succeeded on a full disk");
    } catch (const imaging::ImageError& error) {
      const std::string message = error.what();
      QVERIFY2(message.find(temporary.string()) != std::string::npos, message.c_str());
      QVERIFY2(message.find("No space left on device") != std::string::npos, message.c_str());
    }
    QCOMPARE(disk.files(), previous_files);  // no partial image
    QCOMPARE(sha256_file_hex(cache.path_for(previous_key)), previous_hash);
  }
};

int main(int argc, char** argv) {
  return backdrop::test::run_with_small_tmpfs<RendererFullDiskTest>(argc, argv);
}

#include "full_disk_test.moc"
