// The whole preparation run on a small catalogue: outputs per product and placement, contact
// sheet, summary, and failures reported without stopping the run.

#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/catalog/catalog.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/prepare_products.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::imaging;

class PrepareTest : public QObject {
  Q_OBJECT

 private slots:
  void preparesAndReportsFailures() {
    const auto data = std::filesystem::absolute(test::product_data());  // the CSV lives elsewhere
    const auto dir = test::scratch_dir("imaging-prepare");
    {
      std::ofstream(dir / "broken.jpg") << "\xFF\xD8\xFF\xE0 not really";
      std::ofstream csv(dir / "catalog.csv");
      csv << "product_id,category,title,image\n"
          << "shoe,footwear,Loafers," << (data / "footwear_01_suede_loafers.jpg").string() << "\n"
          << "cap,apparel,Cap," << (data / "cutouts" / "apparel_cap_red.png").string() << "\n"
          << "cafe,kitchen,Coffee," << (data / "scenes" / "kitchen_coffee_cup_cafe.png").string() << "\n"
          << "broken,bags,Broken,broken.jpg\n";
    }
    const auto catalog = read_catalog_csv(dir / "catalog.csv");
    QCOMPARE(catalog.products.size(), std::size_t{4});

    PrepareOptions options;
    options.out_dir = dir / "out";
    options.placements = parse_placements("square,leaderboard");
    options.layout = load_layout_rules("resources/layouts/default.json");
    std::vector<int64_t> progress;
    const auto summary =
        prepare_products(catalog.products, options, [&](const Progress& p) { progress.push_back(p.done); });

    QCOMPARE(summary.failures(), std::size_t{2});
    QVERIFY(summary.products[0].ok);
    // The loafers keep a shadow and a patch at the border: written, but held back for a person.
    QVERIFY(summary.products[0].needs_attention);
    QVERIFY(summary.products[0].reasons.size() >= 2);
    QVERIFY(!summary.products[1].needs_attention);
    QCOMPARE(summary.needing_attention(), std::size_t{1});
    QVERIFY(summary.products[1].ok);
    QCOMPARE(summary.products[1].method, SegmentationMethod::AlphaChannel);
    QVERIFY(summary.products[2].error.find("learned segmenter") != std::string::npos);
    QVERIFY(summary.products[3].error.find("truncated") != std::string::npos);
    QCOMPARE(progress.back(), int64_t{4});

    for (const char* file : {"canvas.png", "mask.png", "alpha.png", "edges.png", "studio.png", "placement.json"}) {
      QVERIFY2(std::filesystem::is_regular_file(options.out_dir / "shoe" / "leaderboard" / file), file);
    }
    QVERIFY(std::filesystem::is_regular_file(options.out_dir / "cap" / "palette.json"));
    const cv::Mat canvas = cv::imread((options.out_dir / "shoe" / "leaderboard" / "canvas.png").string());
    QCOMPARE(canvas.size(), cv::Size(728, 90));
    const cv::Mat sheet = cv::imread(summary.contact_sheet.string());
    QVERIFY(sheet.rows > 4 * 100);

    std::ifstream summary_file(options.out_dir / "summary.json");
    const auto written = nlohmann::json::parse(summary_file);
    QCOMPARE(written["failures"].get<int>(), 2);
    QCOMPARE(written["needing_attention"].get<int>(), 1);
    QCOMPARE(written["products"][0]["status"].get<std::string>(), std::string("needs-attention"));
    QCOMPARE(written["products"][1]["status"].get<std::string>(), std::string("auto"));
    QCOMPARE(written["products"][2]["status"].get<std::string>(), std::string("refused"));
  }
};

QTEST_APPLESS_MAIN(PrepareTest)
#include "prepare_test.moc"
