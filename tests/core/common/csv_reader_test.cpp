#include <QtTest>

#include <sstream>

#include "core/common/csv_reader.h"

using backdrop::CsvError;
using backdrop::CsvReader;

class CsvReaderTest : public QObject {
  Q_OBJECT

 private slots:
  void readsQuotedFieldsAndLineNumbers() {
    std::istringstream input("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n3,,\n");
    CsvReader reader(input);
    std::vector<std::string> fields;

    QVERIFY(reader.next(fields));
    QCOMPARE(fields, (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(reader.record_line(), 1);
    QVERIFY(reader.next(fields));
    QCOMPARE(fields, (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
    QCOMPARE(reader.record_line(), 2);
    QVERIFY(reader.next(fields));
    QCOMPARE(fields, (std::vector<std::string>{"2", "two\nlines", "z"}));
    QCOMPARE(reader.record_line(), 3);
    QVERIFY(reader.next(fields));
    QCOMPARE(fields, (std::vector<std::string>{"3", "", ""}));
    QCOMPARE(reader.record_line(), 5);
    QVERIFY(!reader.next(fields));
  }

  void lastLineWithoutNewline() {
    std::istringstream input("a,b\n1,2");
    CsvReader reader(input);
    std::vector<std::string> fields;
    QVERIFY(reader.next(fields));
    QVERIFY(reader.next(fields));
    QCOMPARE(fields, (std::vector<std::string>{"1", "2"}));
    QVERIFY(!reader.next(fields));
  }

  void unterminatedQuoteNamesTheLine() {
    std::istringstream input("a\n\"open\nstill open");
    CsvReader reader(input, "broken.csv");
    std::vector<std::string> fields;
    QVERIFY(reader.next(fields));
    try {
      reader.next(fields);
      QFAIL("expected an error");
    } catch (const CsvError& error) {
      QCOMPARE(std::string(error.what()), std::string("broken.csv: line 2: unterminated quoted field"));
    }
  }
};

QTEST_APPLESS_MAIN(CsvReaderTest)
#include "csv_reader_test.moc"
