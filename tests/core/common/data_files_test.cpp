#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/common/data_files.h"

namespace fs = std::filesystem;
using backdrop::find_data_file;

namespace {

// A data folder holding prompts/default.json, named by $BACKDROP_DATA_DIR.
fs::path data_dir_with_prompts(const QTemporaryDir& folder) {
  const fs::path root = folder.path().toStdString();
  fs::create_directories(root / "prompts");
  std::ofstream(root / "prompts" / "default.json") << "{}";
  ::setenv("BACKDROP_DATA_DIR", root.c_str(), 1);
  return root;
}

}  // namespace

// The lookup order of Backdrop's data files: the file variable, then $BACKDROP_DATA_DIR, then the
// share/backdrop folder beside the program (which the test program, in the build tree, lacks).
class DataFilesTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    ::unsetenv("BACKDROP_DATA_DIR");
    ::unsetenv("BACKDROP_TEST_FILE");
  }

  void dataDirectoryHoldsTheRelativePath() {
    QTemporaryDir folder;
    const fs::path root = data_dir_with_prompts(folder);

    const auto found = find_data_file("prompts/default.json", "BACKDROP_TEST_FILE");
    QVERIFY(found.has_value());
    QCOMPARE(QString::fromStdString(found->string()), QString::fromStdString((root / "prompts" / "default.json").string()));
    QVERIFY(!find_data_file("layouts/default.json", "BACKDROP_TEST_FILE").has_value());
  }

  void fileVariableWinsEvenWhenTheFileIsMissing() {
    QTemporaryDir folder;
    data_dir_with_prompts(folder);
    ::setenv("BACKDROP_TEST_FILE", "/nonexistent/mine.json", 1);

    // Returned as given, so that reading it fails with the name the user set.
    const auto found = find_data_file("prompts/default.json", "BACKDROP_TEST_FILE");
    QVERIFY(found.has_value());
    QCOMPARE(QString::fromStdString(found->string()), QString("/nonexistent/mine.json"));
  }

  void nothingFoundIsEmpty() {
    QVERIFY(!find_data_file("no/such/file.json", "BACKDROP_TEST_FILE").has_value());
    QVERIFY(!find_data_file("no/such/file.json", nullptr).has_value());
  }
};

QTEST_APPLESS_MAIN(DataFilesTest)
#include "data_files_test.moc"
