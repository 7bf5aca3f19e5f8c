#include <QtTest>

#include <regex>

#include "bundle_fixture.h"
#include "core/export/bundle_reader.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::exporting;

namespace {

// The message load_bundle() gives for `folder`; fails the test when it loads.
std::string load_error(const std::filesystem::path& folder) {
  try {
    load_bundle(folder);
  } catch (const BundleError& error) {
    return error.what();
  }
  return "(loaded without error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string first_image(const std::filesystem::path& folder) {
  const auto manifest = test::read_manifest(folder);
  for (const auto& file : manifest["files"]) {
    auto path = file["path"].get<std::string>();
    if (path.starts_with("images/")) return path;
  }
  return {};
}

}  // namespace

class BundleReaderTest : public QObject {
  Q_OBJECT

 private slots:
  void goodBundleLoadsWithEveryField() {
    const auto dir = test::scratch_dir("export-reader-good") / "bundle";
    const auto written = test::write_small_bundle(dir);
    const auto bundle = load_bundle(dir);
    QCOMPARE(bundle.root, std::filesystem::canonical(dir));
    QVERIFY(std::regex_match(bundle.manifest.version, std::regex(R"(\d{8}T\d{6}Z-[0-9a-f]{8})")));
    QCOMPARE(bundle.manifest.version, written.version);
    QCOMPARE(bundle.manifest.image_quality, 85);
    QCOMPARE(bundle.manifest.files.size(), std::size_t{3});  // two images and one category file
    QCOMPARE(bundle.manifest.categories.at("Home & Garden"), std::string("categories/home-garden.json"));
    const auto& category = bundle.categories.at("Home & Garden");
    QCOMPARE(category.arms.size(), std::size_t{2});
    QCOMPARE(category.arms[0].negative_prompt, std::string("blurry"));
    QCOMPARE(category.priors.schema.dimension(), 3);
    QCOMPARE(category.priors.arms[1].id, std::string("p2"));
    QCOMPARE(category.policy.alpha, 0.5);
    const auto image = category.images.at("sku-1").at("p1").at("square");
    QCOMPARE(test::read_text(dir / image), std::string("jpeg bytes of sku-1 on a terrace"));
    QCOMPARE(image, "images/" + sha256_hex("jpeg bytes of sku-1 on a terrace") + ".jpg");
  }

  void changedBytesFailTheHashCheck() {
    const auto dir = test::scratch_dir("export-reader-hash") / "bundle";
    test::write_small_bundle(dir);
    const auto image = first_image(dir);
    auto bytes = test::read_text(dir / image);
    bytes[0] = static_cast<char>(bytes[0] ^ 1);
    test::write_text(dir / image, bytes);
    const auto message = load_error(dir);
    QVERIFY2(contains(message, image) && contains(message, "SHA-256"), message.c_str());
  }

  void changedSizeIsNamed() {
    const auto dir = test::scratch_dir("export-reader-size") / "bundle";
    test::write_small_bundle(dir);
    const auto image = first_image(dir);
    test::write_text(dir / image, test::read_text(dir / image) + "x");
    const auto message = load_error(dir);
    QVERIFY2(contains(message, image) && contains(message, "bytes, the manifest says"), message.c_str());
  }

  void missingFileIsNamed() {
    const auto dir = test::scratch_dir("export-reader-missing") / "bundle";
    test::write_small_bundle(dir);
    const auto image = first_image(dir);
    std::filesystem::remove(dir / image);
    const auto message = load_error(dir);
    QVERIFY2(contains(message, image) && contains(message, "missing"), message.c_str());
    std::filesystem::remove(dir / "manifest.json");
    QVERIFY(contains(load_error(dir), "manifest.json: missing"));
    QVERIFY(contains(load_error(dir / "nowhere"), "not a bundle folder"));
  }

  void truncatedJsonIsNamed() {
    const auto dir = test::scratch_dir("export-reader-truncated") / "bundle";
    test::write_small_bundle(dir);
    const auto category_file = dir / "categories/home-garden.json";
    const auto text = test::read_text(category_file);
    test::write_text(category_file, text.substr(0, text.size() / 2));
    test::relist_files(dir);
    auto message = load_error(dir);
    QVERIFY2(contains(message, "categories/home-garden.json: not valid JSON"), message.c_str());

    const auto manifest = test::read_text(dir / "manifest.json");
    test::write_text(dir / "manifest.json", manifest.substr(0, manifest.size() - 10));
    message = load_error(dir);
    QVERIFY2(contains(message, "manifest.json: not valid JSON"), message.c_str());
  }

  void pathsThatLeaveTheFolderAreRejected() {
    const auto root = test::scratch_dir("export-reader-escape");
    const auto dir = root / "bundle";
    test::write_small_bundle(dir);
    test::write_text(root / "secret", "outside");
    const auto original = test::read_manifest(dir);
    // The message for the bundle with one more file listed; the manifest is restored afterwards.
    const auto listed = [&](const std::string& path) {
      auto manifest = original;
      manifest["files"].push_back({{"path", path}, {"sha256", sha256_hex("outside")}, {"bytes", 7}});
      test::write_manifest(dir, manifest);
      auto message = load_error(dir);
      test::write_manifest(dir, original);
      return message;
    };
    auto message = listed("../secret");
    QVERIFY2(contains(message, "files[3].path") && contains(message, "'..'"), message.c_str());
    message = listed("/etc/passwd");
    QVERIFY2(contains(message, "'/etc/passwd'") && contains(message, "absolute"), message.c_str());
    message = listed("images\\..\\..\\secret");
    QVERIFY2(contains(message, "backslash"), message.c_str());
    message = listed("images/./x.jpg");
    QVERIFY2(contains(message, "'.'"), message.c_str());

    // A symbolic link inside the folder whose target is outside it, listed with the right hash.
    std::filesystem::create_symlink(root / "secret", dir / "images/link.jpg");
    message = listed("images/link.jpg");
    QVERIFY2(contains(message, "images/link.jpg") && contains(message, "resolves outside the bundle"), message.c_str());
    // A linked folder is no way out either.
    std::filesystem::remove(dir / "images/link.jpg");
    std::filesystem::create_directory_symlink(root, dir / "up");
    message = listed("up/secret");
    QVERIFY2(contains(message, "resolves outside the bundle"), message.c_str());
    std::filesystem::remove(dir / "up");
    QCOMPARE(load_error(dir), std::string("(loaded without error)"));
  }

  void unlistedFilesAndReferencesAreRejected() {
    const auto dir = test::scratch_dir("export-reader-unlisted") / "bundle";
    test::write_small_bundle(dir);
    test::write_text(dir / "images/extra.jpg", "not listed");
    auto message = load_error(dir);
    QVERIFY2(contains(message, "images/extra.jpg") && contains(message, "not listed"), message.c_str());
    std::filesystem::remove(dir / "images/extra.jpg");

    // A category naming an image the manifest does not list.
    auto category = nlohmann::json::parse(test::read_text(dir / "categories/home-garden.json"));
    category["images"]["sku-1"]["p1"]["wide"] = "images/other.jpg";
    test::write_text(dir / "categories/home-garden.json", category.dump());
    test::relist_files(dir);
    message = load_error(dir);
    QVERIFY2(contains(message, "images.sku-1.p1.wide") && contains(message, "'images/other.jpg' is not listed"),
             message.c_str());

    category["images"]["sku-1"].erase("p1");
    category["images"]["sku-1"]["p9"]["square"] = first_image(dir);
    test::write_text(dir / "categories/home-garden.json", category.dump());
    test::relist_files(dir);
    message = load_error(dir);
    QVERIFY2(contains(message, "images.sku-1.p9") && contains(message, "unknown arm 'p9'"), message.c_str());
  }

  void formatAndSchemaVersionAreChecked() {
    const auto dir = test::scratch_dir("export-reader-version") / "bundle";
    test::write_small_bundle(dir);
    auto manifest = test::read_manifest(dir);
    manifest["schema_version"] = 2;
    test::write_manifest(dir, manifest);
    auto message = load_error(dir);
    QVERIFY2(contains(message, "schema_version: version 2 is not supported"), message.c_str());
    manifest["schema_version"] = 1;
    manifest["format"] = "something.else";
    test::write_manifest(dir, manifest);
    message = load_error(dir);
    QVERIFY2(contains(message, "manifest.json: format: 'something.else'"), message.c_str());
    manifest["format"] = kBundleFormat;
    manifest["files"][0].erase("sha256");
    test::write_manifest(dir, manifest);
    message = load_error(dir);
    QVERIFY2(contains(message, "files[0]: missing key 'sha256'"), message.c_str());
    manifest["files"][0]["sha256"] = "ABC";
    test::write_manifest(dir, manifest);
    message = load_error(dir);
    QVERIFY2(contains(message, "files[0].sha256: not 64 lowercase hex digits"), message.c_str());
  }

  void priorsMustMatchTheArms() {
    const auto dir = test::scratch_dir("export-reader-priors") / "bundle";
    test::write_small_bundle(dir);
    auto category = nlohmann::json::parse(test::read_text(dir / "categories/home-garden.json"));
    std::swap(category["priors"]["arms"][0], category["priors"]["arms"][1]);
    test::write_text(dir / "categories/home-garden.json", category.dump());
    test::relist_files(dir);
    const auto message = load_error(dir);
    QVERIFY2(contains(message, "priors.arms[0]: id 'p2', expected 'p1'"), message.c_str());
  }
};

QTEST_APPLESS_MAIN(BundleReaderTest)
#include "bundle_reader_test.moc"
