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

  // The Studio kept edge thresholds in a table of its own (created on first use, keyed by the
  // product's id in the catalogue); version 5 moves them into edge_settings and drops that table.
  void theStudiosEdgeThresholdsMoveIntoTheSchema() {
    const auto file = test::scratch_dir("store-migrations-edges") / "v4.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 4);
      ProductRepository(database).upsert({0, "p1", "bags", "Bag", "/bag.jpg", "h", 2});
      database.exec(
          "CREATE TABLE studio_edge_settings (product_external_id TEXT PRIMARY KEY, low REAL NOT NULL, high REAL NOT "
          "NULL); INSERT INTO studio_edge_settings VALUES ('p1', 30, 150), ('gone', 10, 20)",
          "the Studio's table");
    }
    auto project = Project::open(file);
    QCOMPARE(project.edge_settings().find("p1"), std::optional<EdgeThresholds>(EdgeThresholds{30, 150}));
    QVERIFY(!project.edge_settings().find("gone"));
    Statement old(project.database(), "SELECT count(*) FROM sqlite_master WHERE name = 'studio_edge_settings'");
    QVERIFY(old.step());
    QCOMPARE(old.column_int64(0), int64_t{0});

    project.edge_settings().save("p1", {40, 160});
    QCOMPARE(project.edge_settings().find("p1")->high, 160.0);
    QVERIFY_THROWS_EXCEPTION(StoreError, project.edge_settings().save("p1", {90, 80}));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.edge_settings().save("p1", {-1, 80}));
    try {
      project.edge_settings().save("missing", {10, 20});
      QFAIL("thresholds for a product not in the catalogue were saved");
    } catch (const StoreError& error) {
      QVERIFY2(std::string(error.what()).find("'missing'") != std::string::npos, error.what());
    }
    QCOMPARE(project.edge_settings().find("p1")->low, 40.0);  // the refused saves changed nothing
  }

  // Version 7: every renderer ignored a placement's x, y and scale until now. The seeded values
  // become "the layout rule's" (the pixels stay as they were); values set on purpose are kept.
  void placementPositionsBecomeOptional() {
    const auto file = test::scratch_dir("store-migrations-placements") / "v6.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 6);
      database.exec(
          "INSERT INTO placements (name, width, height, x, y, scale) VALUES ('square', 1080, 1080, 0.5, 0.5, 0.6), "
          "('banner', 728, 90, 0.3, 0.5, 0.6), ('tall', 160, 600, 0.5, 0.7, 0.4)",
          "placements at version 6");
    }
    auto project = Project::open(file);
    const auto square = project.placements().find("square");
    QVERIFY(square && square->position.empty());
    QCOMPARE(square->width, 1080);
    const auto banner = project.placements().find("banner")->position;
    QCOMPARE(banner, (imaging::ProductPosition{0.3, std::nullopt, std::nullopt}));
    const auto tall = project.placements().find("tall")->position;
    QCOMPARE(tall, (imaging::ProductPosition{std::nullopt, 0.7, 0.4}));
    // The table still refuses what the repository refuses.
    QVERIFY_THROWS_EXCEPTION(
        StoreError, project.database().exec("UPDATE placements SET scale = 1.5 WHERE name = 'tall'", "too large"));
    Placement wide{0, "wide", 1200, 628, {std::nullopt, std::nullopt, 1.2}};
    try {
      project.placements().save(wide);
      QFAIL("a scale above 1 was saved");
    } catch (const StoreError& error) {
      QVERIFY2(std::string(error.what()).find("'wide': scale 1.2 is outside (0, 1]") != std::string::npos,
               error.what());
    }
    wide.position.scale = 0.5;
    project.placements().save(wide);
    QCOMPARE(project.placements().find("wide")->position.scale, std::optional<double>(0.5));
  }

  // Version 8: the one bandit state per name becomes its category's priors version 1.
  void banditStatesBecomePriorsVersions() {
    const auto file = test::scratch_dir("store-migrations-priors") / "v7.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 7);
      database.exec(
          "INSERT INTO bandit_states (name, policy, priors_json, updated_at) VALUES "
          "('bags', 'linucb', '{\"arms\":[]}', '2026-11-30T10:00:00Z')",
          "a bandit state at version 7");
    }
    auto project = Project::open(file);
    const auto bags = project.priors().latest("bags");
    QVERIFY(bags.has_value());
    QCOMPARE(bags->version, 1);
    QCOMPARE(bags->priors_json, std::string(R"({"arms":[]})"));
    QCOMPARE(bags->created_at, std::string("2026-11-30T10:00:00Z"));
    QCOMPARE(bags->impressions, int64_t{0});
    QCOMPARE(project.priors().add({"bags", "{}", 5, 1, {}, "ana"}).version, 2);
  }

  // Version 9 rebuilds the job tables so that a job can be cancelled; the tasks keep their rows and
  // still go with their job.
  void jobsCanBeCancelledAndKeepTheirTasks() {
    const auto file = test::scratch_dir("store-migrations-jobs") / "v8.backdrop";
    {
      Database database(file, Database::Mode::create_new);
      migrate_schema(database, 8);
      database.exec(
          "INSERT INTO jobs (id, name, state, created_at) VALUES (4, 'studio-1', 'paused', 't0'), (5, 'b', 'active', "
          "'t1'); INSERT INTO job_tasks (job_id, variant_key, inputs_json, state, attempts, error) VALUES "
          "(4, 'k1', '{}', 'failed', 2, 'out of memory'), (4, 'k2', '{}', 'pending', 0, NULL), "
          "(5, 'k1', '{}', 'done', 1, NULL)",
          "jobs at version 8");
    }
    auto project = Project::open(file);
    auto& database = project.database();
    database.exec("UPDATE jobs SET state = 'cancelled' WHERE name = 'studio-1'", "cancel a job");
    Statement tasks(database,
                    "SELECT j.state, t.variant_key, t.state, t.attempts, t.error FROM job_tasks t "
                    "JOIN jobs j ON j.id = t.job_id WHERE j.name = 'studio-1' ORDER BY t.id");
    QVERIFY(tasks.step());
    QCOMPARE(tasks.column_text(0), std::string("cancelled"));
    QCOMPARE(tasks.column_text(2), std::string("failed"));
    QCOMPARE(tasks.column_int64(3), int64_t{2});
    QCOMPARE(tasks.column_text(4), std::string("out of memory"));
    QVERIFY(tasks.step());
    QCOMPARE(tasks.column_text(1), std::string("k2"));
    QVERIFY(!tasks.step());
    QVERIFY_THROWS_EXCEPTION(StoreError, database.exec("UPDATE jobs SET state = 'gone'", "unknown state"));
    database.exec("DELETE FROM jobs WHERE name = 'studio-1'", "delete a job");
    Statement left(database, "SELECT COUNT(*) FROM job_tasks");
    QVERIFY(left.step());
    QCOMPARE(left.column_int64(0), int64_t{1});  // the job's tasks went with it, the other job's stayed
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
