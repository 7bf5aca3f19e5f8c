#include <QtTest>

#include <fstream>
#include <sstream>

#include "core/store/durable_file.h"
#include "core/store/sha256.h"
#include "core/store/store_error.h"
#include "support/test_data.h"

using namespace backdrop;

class FilesTest : public QObject {
  Q_OBJECT

 private slots:
  void sha256MatchesTheStandardVectors() {
    QCOMPARE(sha256_hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(sha256_hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }

  void fileHashEqualsHashOfItsBytes() {
    const auto dir = test::scratch_dir("store-files-hash");
    std::string bytes(200000, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
    std::ofstream(dir / "blob", std::ios::binary) << bytes;
    QCOMPARE(sha256_file_hex(dir / "blob"), sha256_hex(bytes));
    QVERIFY_THROWS_EXCEPTION(StoreError, sha256_file_hex(dir / "missing"));
  }

  void durableWriteReplacesWholeFilesAndLeavesNoTemporary() {
    const auto dir = test::scratch_dir("store-files-durable");
    write_file_durably(dir / "a.txt", "first");
    write_file_durably(dir / "a.txt", "second");
    std::ifstream in(dir / "a.txt");
    std::stringstream text;
    text << in.rdbuf();
    QCOMPARE(text.str(), std::string("second"));
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    QCOMPARE(files, 1);
    QVERIFY_THROWS_EXCEPTION(StoreError, publish_file(dir / "missing", dir / "b.txt"));
  }
};

QTEST_APPLESS_MAIN(FilesTest)
#include "files_test.moc"
