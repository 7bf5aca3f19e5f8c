// A variant's planned inputs in words: every input a reviewer asks about has its line, with the
// values as planned ("none" / "automatic" / "layout rule" where nothing was set).

#include <QtTest>

#include "core/generation/variant_description.h"

using namespace backdrop;

namespace {

std::string line(const std::vector<DescriptionLine>& lines, const std::string& label) {
  for (const auto& [name, value] : lines) {
    if (name == label) return value;
  }
  return "(missing)";
}

}  // namespace

class VariantDescriptionTest : public QObject {
  Q_OBJECT

 private slots:
  void everyInputIsNamedWithItsValue() {
    auto inputs = make_variant_inputs();
    inputs.product_id = "p007";
    inputs.product_title = "Red clog";
    inputs.prompt = "a red clog on wet sand";
    inputs.colour = "#336699";
    inputs.placement.name = "story";
    inputs.placement.width = 1080;
    inputs.placement.height = 1920;
    inputs.placement.position.x = 0.5;
    inputs.seed = 42;
    inputs.edge_thresholds = std::make_pair(40.0, 120.0);
    inputs.loras = {{"0123456789abcdef0123", 0.8}};
    const auto lines = describe_variant_inputs(inputs);
    QCOMPARE(line(lines, "product"), std::string("p007 (Red clog)"));
    QCOMPARE(line(lines, "prompt"), std::string("a red clog on wet sand"));
    QCOMPARE(line(lines, "colour"), std::string("#336699"));
    QCOMPARE(line(lines, "placement"), std::string("story 1080x1920"));
    QCOMPARE(line(lines, "product position"), std::string("x 0.5"));
    QCOMPARE(line(lines, "seed"), std::string("42"));
    QCOMPARE(line(lines, "edge thresholds"), std::string("40 / 120"));
    QCOMPARE(line(lines, "LoRAs"), std::string("0123456789ab ×0.8"));
    QCOMPARE(line(lines, "engine"), inputs.engine_version);
  }

  void unsetInputsSaySo() {
    const auto lines = describe_variant_inputs(make_variant_inputs());
    QCOMPARE(line(lines, "colour"), std::string("none"));
    QCOMPARE(line(lines, "negative prompt"), std::string("none"));
    QCOMPARE(line(lines, "product position"), std::string("layout rule"));
    QCOMPARE(line(lines, "edge thresholds"), std::string("automatic"));
    QCOMPARE(line(lines, "model"), std::string("none (studio backdrop)"));
    QCOMPARE(line(lines, "LoRAs"), std::string("none"));
  }
};

QTEST_MAIN(VariantDescriptionTest)
#include "variant_description_test.moc"
