// write_file() and replace_file() on a full file system: an error naming the file and the reason,
// no file cut short, and replace_file() keeps the previous contents. On a small tmpfs this test
// mounts (skipped where mounting is not possible).

#include <QtTest>

#include <fstream>
#include <sstream>

#include "core/common/file_write.h"
#include "support/small_tmpfs.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The FileWriteError message `write` throws; empty when it does not throw.
template <typename Write>
std::string error_of(Write write) {
  try {
    write();
  } catch (const FileWriteError& error) {
    return error.what();
  }
  return {};
}

}  // namespace

class FileWriteTest : public QObject {
  Q_OBJECT

 private slots:
  void writesAndReplacesWholeFiles() {
    test::SmallTmpfs disk(test::scratch_dir("common-file-write") / "disk", 1 << 20);
    const auto file = disk.path() / "a.txt";
    write_file(file, "first");
    QCOMPARE(read_text(file), std::string("first"));
    replace_file(file, "second, longer");
    QCOMPARE(read_text(file), std::string("second, longer"));
    QCOMPARE(disk.files(), std::set<std::string>{"a.txt"});
  }

  void aFullDiskIsAnErrorAndKeepsThePreviousFile() {
    test::SmallTmpfs disk(test::scratch_dir("common-file-write-full") / "disk", 1 << 20);
    const auto kept = disk.path() / "kept.txt";
    write_file(kept, "previous");
    disk.fill();
    const std::string large(64 * 1024, 'x');

    const auto replaced = error_of([&] { replace_file(kept, large); });
    QVERIFY2(replaced.find(kept.string() + ".tmp-") == 0, replaced.c_str());  // names the file it wrote
    QVERIFY2(replaced.find("No space left on device") != std::string::npos, replaced.c_str());
    QCOMPARE(read_text(kept), std::string("previous"));

    const auto fresh = disk.path() / "fresh.txt";
    const auto written = error_of([&] { write_file(fresh, large); });
    QVERIFY2(written.find(fresh.string() + ": write: No space left on device") == 0, written.c_str());
    QCOMPARE(disk.files(), std::set<std::string>{"kept.txt"});  // no partial file, no temporary
  }
};

int main(int argc, char** argv) {
  return backdrop::test::run_with_small_tmpfs<FileWriteTest>(argc, argv);
}

#include "file_write_test.moc"
