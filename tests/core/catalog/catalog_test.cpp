#include <QtTest>

#include <fstream>

#include "core/catalog/catalog.h"
#include "support/test_data.h"

using namespace backdrop;

class CatalogTest : public QObject {
  Q_OBJECT

 private slots:
  void readsTheExampleCatalogue() {
    const auto csv = test::product_data() / "catalog.csv";
    const auto catalog = read_catalog_csv(csv);
    QCOMPARE(catalog.issues.size(), std::size_t{0});
    QCOMPARE(catalog.products.size(), std::size_t{68});
    const auto& first = catalog.products.front();
    QCOMPARE(first.id, std::string("p001"));
    QCOMPARE(first.category, std::string("apparel"));
    QVERIFY(std::filesystem::is_regular_file(first.image));
    QCOMPARE(first.line, 2);
  }

  void reportsBadRowsWithLineNumbers() {
    const auto dir = test::scratch_dir("catalog-bad-rows");
    std::ofstream(dir / "a.jpg") << "not really a jpeg";
    {
      std::ofstream csv(dir / "catalog.csv");
      csv << "sku,cat,name,file,extra\n"
          << "s1,bags,Bag,a.jpg,x\n"
          << "s2,bags,Missing image,nope.jpg,x\n"
          << ",bags,No id,a.jpg,x\n"
          << "s1,bags,Duplicate,a.jpg,x\n"
          << "s3,bags,Short row\n"
          << "s4, ,Blank category,a.jpg,x\n";
    }
    const CatalogColumns columns{"sku", "cat", "name", "file"};
    const auto catalog = read_catalog_csv(dir / "catalog.csv", columns);
    QCOMPARE(catalog.products.size(), std::size_t{1});
    QCOMPARE(catalog.products[0].title, std::string("Bag"));
    QCOMPARE(catalog.issues.size(), std::size_t{5});
    QCOMPARE(catalog.issues[0].line, 3);
    QVERIFY(catalog.issues[0].message.find("does not exist") != std::string::npos);
    QCOMPARE(catalog.issues[1].line, 4);
    QCOMPARE(catalog.issues[2].line, 5);
    QVERIFY(catalog.issues[2].message.find("duplicate") != std::string::npos);
    QCOMPARE(catalog.issues[3].line, 6);
    QCOMPARE(catalog.issues[4].line, 7);
    QCOMPARE(catalog.issues[4].message, std::string("product 's4' has no cat"));
  }

  void missingColumnIsAnError() {
    const auto dir = test::scratch_dir("catalog-missing-column");
    std::ofstream(dir / "catalog.csv") << "product_id,title\np1,x\n";
    QVERIFY_THROWS_EXCEPTION(CatalogError, read_catalog_csv(dir / "catalog.csv"));
  }
};

QTEST_APPLESS_MAIN(CatalogTest)
#include "catalog_test.moc"
