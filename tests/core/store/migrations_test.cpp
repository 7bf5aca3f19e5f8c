#include <QtTest>

#include "core/store/project.h"
#include "core/store/schema.h"
#include "support/test_data.h"

using namespace backdrop;

// Builds a file at every earlier schema version with data in it, opens it with Project::open,
// and checks that it reached the latest version with the data intact.
class MigrationsTest : public QObject {
  Q_OBJECT

 private slots:
  void migratesFromEveryEarlierVersion() {
    const auto dir = test::scratch_dir("store-migrations");
    QVERIFY(latest_schema_version() >= 2);
    for (int version = 1; version < latest_schema_version(); ++version) {
      const auto file = dir / ("v" + std::to_string(version) + ".backdrop");
      {
        Database database(file, Database::Mode::create_new);
        migrate_schema(database, version);
        QCOMPARE(database.user_version(), version);
        ProductRepository(database).upsert({0, "p1", "bags", "Bag", "/bag.jpg", "h", 2});
      }
      auto project = Project::open(file);
      QCOMPARE(project.schema_version(), latest_schema_version());
      QCOMPARE(project.products().find("p1")->title, std::string("Bag"));
      // Version 2's tables exist and work after the upgrade.
      project.database().exec("INSERT INTO jobs (name, created_at) VALUES ('j', 'now')", "use jobs table");
    }
  }

  void eachStepIsItsOwnVersion() {
    int expected = 1;
    for (const auto& migration : schema_migrations()) QCOMPARE(migration.version, expected++);
  }

  void reopeningChangesNothing() {
    const auto dir = test::scratch_dir("store-migrations-reopen");
    { Project::create(dir / "p.backdrop").products().upsert({0, "p1", "bags", "Bag", "/bag.jpg", "h", 2}); }
    auto project = Project::open(dir / "p.backdrop");
    QCOMPARE(project.schema_version(), latest_schema_version());
    QCOMPARE(project.products().count(), int64_t{1});
  }

  void refusesFilesFromANewerBuild() {
    const auto dir = test::scratch_dir("store-migrations-newer");
    {
      Database database(dir / "new.backdrop", Database::Mode::create_new);
      database.set_user_version(latest_schema_version() + 1);
    }
    try {
      Project::open(dir / "new.backdrop");
      QFAIL("a newer schema must be refused");
    } catch (const StoreError& error) {
      const std::string message = error.what();
      QVERIFY(message.find("new.backdrop") != std::string::npos);
      QVERIFY(message.find("newer") != std::string::npos);
    }
  }

  void aFailedStepLeavesTheFileUnchanged() {
    const auto dir = test::scratch_dir("store-migrations-failed");
    const auto file = dir / "v1.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 1);
      // A table that version 2 is about to create makes its step fail.
      database.exec("CREATE TABLE jobs (x INTEGER)", "sabotage");
    }
    QVERIFY_THROWS_EXCEPTION(StoreError, Project::open(file));
    Database database(file, Database::Mode::open_existing);
    QCOMPARE(database.user_version(), 1);
  }
};

QTEST_APPLESS_MAIN(MigrationsTest)
#include "migrations_test.moc"
