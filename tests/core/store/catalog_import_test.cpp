#include <QtTest>

#include <fstream>

#include "core/store/catalog_import.h"
#include "core/store/project.h"
#include "core/store/sha256.h"
#include "support/test_data.h"

using namespace backdrop;

class CatalogImportTest : public QObject {
  Q_OBJECT

 private slots:
  void importsWithAColumnMappingAndReportsBadRows() {
    const auto dir = test::scratch_dir("store-import-csv");
    std::ofstream(dir / "a.jpg") << "image a";
    std::ofstream(dir / "b.jpg") << "image b";
    std::ofstream(dir / "catalog.csv") << "sku,cat,name,file\n"
                                       << "s1,bags,Bag,a.jpg\n"
                                       << "s2,bags,Missing,nope.jpg\n"
                                       << "s3,shoes,Shoe,b.jpg\n"
                                       << ",shoes,No id,b.jpg\n";
    auto project = Project::create(dir / "p.backdrop");
    const auto report = import_catalog_csv(project, dir / "catalog.csv", {"sku", "cat", "name", "file"});
    QCOMPARE(report.added, int64_t{2});
    QCOMPARE(report.issues.size(), std::size_t{2});
    QCOMPARE(report.issues[0].line, int64_t{3});
    QCOMPARE(report.issues[1].line, int64_t{5});
    const auto stored = project.products().find("s1");
    QCOMPARE(stored->image_sha256, sha256_hex("image a"));
    QCOMPARE(stored->source_line, int64_t{2});
    QVERIFY(std::filesystem::path(stored->image_path).is_absolute());
  }

  void reimportUpdatesProductsAndKeepsReviews() {
    const auto dir = test::scratch_dir("store-import-reimport");
    std::ofstream(dir / "a.jpg") << "image a";
    std::ofstream(dir / "catalog.csv") << "product_id,category,title,image\np1,bags,Bag,a.jpg\n";
    auto project = Project::create(dir / "p.backdrop");
    QCOMPARE(import_catalog_csv(project, dir / "catalog.csv").added, int64_t{1});

    StoredVariant variant;
    variant.variant_key = "k1";
    variant.product_external_id = "p1";
    variant.inputs_json = "{}";
    variant.image_path = "k1/k1.png";
    variant.image_sha256 = "x";
    const auto variant_id = project.variants().insert_or_get(variant);
    project.variants().review(variant_id, {"ana", "approve", VariantStatus::approved, {}, 5});

    std::ofstream(dir / "a.jpg") << "image a, retouched";
    std::ofstream(dir / "catalog.csv") << "product_id,category,title,image\np1,bags,Better bag,a.jpg\n";
    const auto report = import_catalog_csv(project, dir / "catalog.csv");
    QCOMPARE(report.updated, int64_t{1});
    QCOMPARE(report.added, int64_t{0});
    QCOMPARE(project.products().find("p1")->title, std::string("Better bag"));
    QCOMPARE(project.products().find("p1")->image_sha256, sha256_hex("image a, retouched"));
    QVERIFY(project.variants().find(variant_id)->status == VariantStatus::approved);
    QCOMPARE(project.review_log().entries_for(variant_id).size(), std::size_t{1});

    QCOMPARE(import_catalog_csv(project, dir / "catalog.csv").unchanged, int64_t{1});
  }

  void importsAFolderOfImages() {
    const auto dir = test::scratch_dir("store-import-folder");
    std::filesystem::create_directories(dir / "shoes");
    std::ofstream(dir / "shoes" / "boot.jpg") << "boot";
    std::ofstream(dir / "shoes" / "sandal.PNG") << "sandal";
    std::ofstream(dir / "shoes" / "sandal.jpg") << "another sandal";
    std::ofstream(dir / "shoes" / "notes.txt") << "not an image";
    auto project = Project::create(dir / "p.backdrop");
    const auto report = import_image_folder(project, dir / "shoes");
    QCOMPARE(report.added, int64_t{2});
    QCOMPARE(report.issues.size(), std::size_t{1});
    QVERIFY(report.issues[0].message.find("sandal") != std::string::npos);
    QCOMPARE(project.products().find("boot")->category, std::string("shoes"));
    QCOMPARE(import_image_folder(project, dir / "shoes", "footwear").updated, int64_t{2});
    QCOMPARE(project.products().find("boot")->category, std::string("footwear"));
    QVERIFY_THROWS_EXCEPTION(StoreError, import_image_folder(project, dir / "nope"));
  }

  void importsTheExampleCatalogue() {
    const auto csv = test::product_data() / "catalog.csv";
    const auto dir = test::scratch_dir("store-import-example");
    auto project = Project::create(dir / "p.backdrop");
    int64_t last_done = 0;
    const auto report = import_catalog_csv(project, csv, {}, [&](const Progress& p) { last_done = p.done; });
    QCOMPARE(report.issues.size(), std::size_t{0});
    QVERIFY(report.added > 0);
    QCOMPARE(project.products().count(), report.added);
    QCOMPARE(last_done, report.added);
  }
};

QTEST_APPLESS_MAIN(CatalogImportTest)
#include "catalog_import_test.moc"
