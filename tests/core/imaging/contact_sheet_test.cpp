#include <QtTest>

#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/imaging/contact_sheet.h"

using backdrop::imaging::wrap_label;

namespace {

int width_of(const std::string& text, double size) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, size, 1, &baseline).width;
}

}  // namespace

// The label column of the contact sheets: status lines wrap between words, within the column.
class ContactSheetTest : public QObject {
  Q_OBJECT

 private slots:
  void numbersStayWholeOnANarrowColumn() {
    const std::string status = "plain-background, confidence 0.98";
    const int width = width_of("plain-background, conf", 0.4);
    const auto lines = wrap_label(status, width, 0.4, 6);
    QCOMPARE(lines, (std::vector<std::string>{"plain-background,", "confidence 0.98"}));
  }

  void everyLineFitsAndNothingIsLost() {
    const std::string error = "products/bags_03_black_messenger.jpg: cannot decode the image (truncated JPEG?)";
    const int width = 120;
    const auto lines = wrap_label(error, width, 0.4, 20);
    QVERIFY(lines.size() > 2);
    std::string joined;
    for (const auto& line : lines) {
      QVERIFY2(width_of(line, 0.4) <= width, line.c_str());
      joined += line;
    }
    std::string letters = error;
    std::erase(letters, ' ');
    std::erase(joined, ' ');
    QCOMPARE(joined, letters);
    // The long path breaks after a separator, not inside a word.
    QVERIFY2(lines.front().back() == '/' || lines.front().back() == '_', lines.front().c_str());
  }

  void tooManyLinesEndWithEllipsis() {
    const auto lines = wrap_label("one two three four five six seven eight nine ten", width_of("three", 0.4), 0.4, 3);
    QCOMPARE(lines.size(), size_t(3));
    QCOMPARE(lines[0], std::string("one"));
    QVERIFY(lines[2].ends_with("..."));
    QVERIFY(wrap_label("anything", 100, 0.4, 0).empty());
    QVERIFY(wrap_label("", 100, 0.4, 3).empty());
  }
};

QTEST_APPLESS_MAIN(ContactSheetTest)
#include "contact_sheet_test.moc"
