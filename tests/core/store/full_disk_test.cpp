// Saving a project on a full file system: every write fails with an error naming the project
// file, nothing is half-written, and the project keeps its previous contents (in the open
// connection and when opened again). The project lives on a small tmpfs this test mounts
// (skipped where mounting is not possible).

#include <QtTest>

#include "core/store/project.h"
#include "support/small_tmpfs.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

StoredProduct product(const std::string& id, const std::string& title) {
  return {0, id, "bags", title, "/images/" + id + ".jpg", "hash-" + id, 1};
}

// The error `write` throws: a StoreError naming `file` and saying the disk is full.
template <typename Write>
QString full_disk_error(const std::filesystem::path& file, Write write) {
  try {
    write();
  } catch (const StoreError& error) {
    const std::string message = error.what();
    if (message.find(file.string()) == std::string::npos)
      return "does not name the file: " + QString::fromStdString(message);
    if (message.find("full") == std::string::npos)
      return "does not say the disk is full: " + QString::fromStdString(message);
    return {};
  }
  return "the write succeeded on a full disk";
}

// What the test saved before the disk filled up, as seen through `project`.
void verify_previous_contents(Project& project) {
  const auto products = project.products().list();
  QCOMPARE(products.size(), std::size_t{1});
  QCOMPARE(products[0].external_id, std::string("p1"));
  QCOMPARE(products[0].title, std::string("First title"));
  QCOMPARE(project.settings().get("notes"), std::optional<std::string>("before"));
}

bool is_project_file(const std::string& name) {
  return name == "shop.backdrop" || name == "shop.backdrop-wal" || name == "shop.backdrop-shm";
}

}  // namespace

class FullDiskProjectTest : public QObject {
  Q_OBJECT

 private slots:
  void aSaveOnAFullDiskKeepsThePreviousProject() {
    test::SmallTmpfs disk(test::scratch_dir("store-full-disk") / "disk", 2 << 20);
    const auto file = disk.path() / "shop.backdrop";
    {
      auto project = Project::create(file);
      project.products().upsert(product("p1", "First title"));
      project.settings().set("notes", "before");
    }
    {
      auto project = Project::open(file);
      disk.fill();
      const std::string large(1 << 20, 'x');  // more than the disk holds
      QCOMPARE(full_disk_error(file, [&] { project.settings().set("notes", large); }), QString());
      QCOMPARE(full_disk_error(file, [&] { project.products().upsert(product("p2", large)); }), QString());
      QCOMPARE(full_disk_error(file, [&] { project.products().upsert(product("p1", large)); }), QString());
      verify_previous_contents(project);  // the failed transactions were rolled back
    }
    for (const auto& name : disk.files()) QVERIFY2(is_project_file(name), name.c_str());

    disk.release();
    auto reopened = Project::open(file);
    verify_previous_contents(reopened);
    Statement check(reopened.database(), "PRAGMA integrity_check");
    QVERIFY(check.step());
    QCOMPARE(check.column_text(0), std::string("ok"));
    reopened.settings().set("notes", "after");  // with room again, saving works
    QCOMPARE(reopened.settings().get("notes"), std::optional<std::string>("after"));
  }

  void creatingAProjectOnAFullDiskLeavesNoFile() {
    test::SmallTmpfs disk(test::scratch_dir("store-full-disk-create") / "disk", 1 << 20);
    disk.fill();
    const auto file = disk.path() / "shop.backdrop";
    QCOMPARE(full_disk_error(file, [&] { Project::create(file); }), QString());
    QCOMPARE(disk.files(), std::set<std::string>{});
  }
};

int main(int argc, char** argv) {
  return backdrop::test::run_with_small_tmpfs<FullDiskProjectTest>(argc, argv);
}

#include "full_disk_test.moc"
