#include <QtTest>

#include "core/common/colour.h"

using backdrop::parse_colour;
using backdrop::Rgb;

class ColourTest : public QObject {
  Q_OBJECT

 private slots:
  void readsHexInEitherCase() {
    QVERIFY(parse_colour("#1F2a5c") == (Rgb{0x1f, 0x2a, 0x5c}));
    QCOMPARE(backdrop::hex_colour(*parse_colour("#1F2A5C")), std::string("#1f2a5c"));
    QVERIFY(parse_colour(" #ffffff ") == (Rgb{255, 255, 255}));
  }

  void readsEveryTableNameInAnyCase() {
    QVERIFY(parse_colour("Navy Blue") == (Rgb{20, 30, 90}));
    for (const auto& named : backdrop::named_colours()) {
      QVERIFY2(parse_colour(named.name) == named.rgb, named.name);
    }
  }

  void refusesEverythingElse() {
    for (const char* text : {"navy-ish", "", "#12345", "#1234567", "#gg0000", "1f2a5c", "navy  blue", "#"}) {
      QVERIFY2(!parse_colour(text).has_value(), text);
    }
  }

  void namesWhatIsAccepted() {
    const auto accepted = backdrop::accepted_colours();
    QVERIFY(accepted.rfind("#rrggbb or a colour name (black, ", 0) == 0);
    QVERIFY(accepted.find("navy blue") != std::string::npos);
  }
};

QTEST_APPLESS_MAIN(ColourTest)
#include "colour_test.moc"
