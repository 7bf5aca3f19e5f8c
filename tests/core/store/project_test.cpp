#include <QtTest>

#include <cmath>
#include <fstream>

#include "core/store/bulk_approval.h"
#include "core/store/project.h"
#include "core/store/schema.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

bool mentions(const std::exception& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

StoredProduct product(const std::string& id, const std::string& category = "bags") {
  return {0, id, category, "Title " + id, "/images/" + id + ".jpg", "hash-" + id, 2};
}

int64_t add_variant(Project& project, const std::string& key, const std::string& product_id) {
  StoredVariant variant;
  variant.variant_key = key;
  variant.product_external_id = product_id;
  variant.inputs_json = "{}";
  variant.image_path = key.substr(0, 2) + "/" + key + ".png";
  variant.image_sha256 = "image-" + key;
  variant.artifact_scores = {{"edge_halo", 0.25}};
  return project.variants().insert_or_get(variant);
}

}  // namespace

class ProjectTest : public QObject {
  Q_OBJECT

 private slots:
  void masksCarryTheirVerdictAndWhoAcceptedThem() {
    const auto dir = test::scratch_dir("store-masks-" + std::to_string(QCoreApplication::applicationPid()));
    auto project = Project::create(dir / "shop.backdrop");
    project.products().upsert(product("p1"));
    project.products().upsert(product("p2"));
    auto masks = project.masks();
    QVERIFY(!masks.find("p1"));
    masks.record_computed("p1", "plain-background", 0.37, {"below the threshold", "touches the border"}, true);
    masks.record_computed("p2", "learned", 0.93, {}, false);

    auto p1 = *masks.find("p1");
    QCOMPARE(p1.status, MaskStatus::needs_attention);
    QCOMPARE(p1.method, std::string("plain-background"));
    QCOMPARE(p1.confidence, 0.37);
    QCOMPARE(p1.reasons, (std::vector<std::string>{"below the threshold", "touches the border"}));
    QVERIFY(p1.held_back() && p1.decided_by.empty());
    QCOMPARE(masks.held_back().size(), std::size_t{1});
    QCOMPARE(masks.find("p2")->status, MaskStatus::automatic);

    masks.accept("p1", "ana");
    p1 = *masks.find("p1");
    QCOMPARE(p1.status, MaskStatus::accepted);
    QCOMPARE(p1.decided_by, std::string("ana"));
    QVERIFY(!p1.decided_at.empty());
    QVERIFY(masks.held_back().empty());

    masks.record_hand_drawn("p2", "ben");
    QCOMPARE(masks.find("p2")->status, MaskStatus::hand_drawn);
    // Preparing again replaces the verdict (a new photo, a new mask).
    masks.record_computed("p1", "plain-background", 0.5, {"again"}, true);
    QVERIFY(masks.find("p1")->held_back() && masks.find("p1")->decided_by.empty());
    QCOMPARE(masks.list().size(), std::size_t{2});

    try {
      masks.record_computed("nope", "learned", 1, {}, false);
      QFAIL("expected an error");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "product 'nope' is not in the catalogue"));
    }
    project.products().upsert(product("p3"));
    try {
      masks.accept("p3", "ana");
      QFAIL("expected an error");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "accept the mask of 'p3': it has not been prepared"));
    }
  }

  void createsAtTheLatestSchemaInWalMode() {
    const auto dir = test::scratch_dir("store-create");
    auto project = Project::create(dir / "shop.backdrop");
    QCOMPARE(project.schema_version(), latest_schema_version());
    Statement mode(project.database(), "PRAGMA journal_mode");
    QVERIFY(mode.step());
    QCOMPARE(mode.column_text(0), std::string("wal"));
    Statement foreign_keys(project.database(), "PRAGMA foreign_keys");
    QVERIFY(foreign_keys.step());
    QCOMPARE(foreign_keys.column_int64(0), int64_t{1});
    QCOMPARE(project.cache_dir(), dir / "shop.backdrop-cache");
  }

  void errorsNameTheFileAndOperation() {
    const auto dir = test::scratch_dir("store-errors");
    { Project::create(dir / "a.backdrop"); }
    try {
      Project::create(dir / "a.backdrop");
      QFAIL("creating over an existing file must fail");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "a.backdrop"));
      QVERIFY(mentions(error, "already exists"));
    }
    try {
      Project::open(dir / "missing.backdrop");
      QFAIL("opening a missing file must fail");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "missing.backdrop"));
    }
    std::ofstream(dir / "text.backdrop") << "this is not a database, just some text that is long enough to matter";
    try {
      Project::open(dir / "text.backdrop");
      QFAIL("opening a text file must fail");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "text.backdrop"));
    }
    auto project = Project::open(dir / "a.backdrop");
    try {
      add_variant(project, "k1", "no-such-product");
      QFAIL("a variant of an unknown product must fail");
    } catch (const StoreError& error) {
      QVERIFY(mentions(error, "a.backdrop"));
      QVERIFY(mentions(error, "no-such-product"));
    }
  }

  void productsUpsertByExternalId() {
    const auto dir = test::scratch_dir("store-products");
    auto project = Project::create(dir / "p.backdrop");
    auto products = project.products();
    QVERIFY(products.upsert(product("p1")) == UpsertOutcome::added);
    QVERIFY(products.upsert(product("p2", "shoes")) == UpsertOutcome::added);
    QVERIFY(products.upsert(product("p1")) == UpsertOutcome::unchanged);
    const int64_t id = products.find("p1")->id;
    auto changed = product("p1", "shoes");
    changed.title = "New title";
    QVERIFY(products.upsert(changed) == UpsertOutcome::updated);
    const auto stored = products.find("p1");
    QCOMPARE(stored->id, id);
    QCOMPARE(stored->title, std::string("New title"));
    QCOMPARE(stored->category, std::string("shoes"));
    QCOMPARE(products.count(), int64_t{2});
    QCOMPARE(products.categories(), (std::vector<std::string>{"bags", "shoes"}));
  }

  void promptSetsAreVersionedPerCategory() {
    const auto dir = test::scratch_dir("store-prompts");
    auto project = Project::create(dir / "p.backdrop");
    auto prompts = project.prompts();
    const auto first = prompts.add_version("bags", "ana", {{0, "marble table", "clutter", "#ffffff"}});
    const auto second = prompts.add_version("bags", "ben", {{0, "wooden shelf", "", ""}, {0, "linen", "", ""}});
    const auto other = prompts.add_version("shoes", "ana", {{0, "street", "", ""}});
    QCOMPARE(first.version, 1);
    QCOMPARE(second.version, 2);
    QCOMPARE(other.version, 1);
    QVERIFY(second.approval == Approval::draft);
    QVERIFY(!prompts.latest_approved("bags").has_value());
    QVERIFY(second.reviewed_by.empty());
    prompts.set_approval(first.id, Approval::approved, "carla");
    QCOMPARE(prompts.latest_approved("bags")->version, 1);
    prompts.set_approval(second.id, Approval::approved, "dora");
    const auto latest = prompts.latest_approved("bags");
    QCOMPARE(latest->version, 2);
    QCOMPARE(latest->author, std::string("ben"));
    QCOMPARE(latest->reviewed_by, std::string("dora"));  // who approved it, and when
    QVERIFY(!latest->reviewed_at.empty());
    prompts.set_approval(first.id, Approval::retired, "erik");
    QCOMPARE(prompts.versions("bags").front().reviewed_by, std::string("erik"));
    QCOMPARE(latest->prompts.size(), std::size_t{2});
    QCOMPARE(latest->prompts[1].prompt, std::string("linen"));
    QCOMPARE(prompts.versions("bags").front().prompts[0].colour, std::string("#ffffff"));
    QVERIFY_THROWS_EXCEPTION(StoreError, prompts.set_approval(9999, Approval::retired, "erik"));
  }

  void promptColoursAreCheckedAndStoredAsHex() {
    const auto dir = test::scratch_dir("store-prompt-colours");
    auto project = Project::create(dir / "p.backdrop");
    auto prompts = project.prompts();
    const auto saved = prompts.add_version("bags", "ana", {{0, "desk", "", "Navy Blue"}, {0, "shelf", "", " "}});
    QCOMPARE(saved.prompts[0].colour, std::string("#141e5a"));
    QCOMPARE(saved.prompts[1].colour, std::string());
    try {
      prompts.add_version("bags", "ana", {{0, "desk", "", "#ffffff"}, {0, "shelf", "", "navy-ish"}});
      QFAIL("a colour that is neither #rrggbb nor a name was stored");
    } catch (const StoreError& error) {
      const std::string message = error.what();
      QVERIFY2(message.rfind("prompt set for 'bags', prompt 2: colour 'navy-ish' is not #rrggbb or a colour name (",
                             0) == 0,
               error.what());
    }
    QCOMPARE(prompts.versions("bags").size(), std::size_t{1});  // nothing of the refused version stored
  }

  void reviewsAreLoggedAndTheLogIsAppendOnly() {
    const auto dir = test::scratch_dir("store-review");
    auto project = Project::create(dir / "p.backdrop");
    project.products().upsert(product("p1"));
    const int64_t id = add_variant(project, "abc123", "p1");
    QCOMPARE(add_variant(project, "abc123", "p1"), id);  // same key: same variant

    auto variants = project.variants();
    variants.review(id, {"ana", "flag", VariantStatus::flagged, std::vector<std::string>{"halo", "warped logo"}, {}});
    variants.review(id, {"ben", "approve", VariantStatus::approved, std::vector<std::string>{}, 4});
    const auto stored = variants.find(id);
    QVERIFY(stored->status == VariantStatus::approved);
    QCOMPARE(*stored->stars, 4);
    QVERIFY(stored->flag_reasons.empty());
    QCOMPARE(stored->artifact_scores.at("edge_halo"), 0.25);

    const auto log = project.review_log().entries_for(id);
    QCOMPARE(log.size(), std::size_t{2});
    QCOMPARE(log[0].reviewer, std::string("ana"));
    QVERIFY(log[0].before_json.find("\"generated\"") != std::string::npos);
    QVERIFY(log[0].after_json.find("warped logo") != std::string::npos);
    QCOMPARE(log[1].action, std::string("approve"));
    QVERIFY(log[1].before_json.find("\"flagged\"") != std::string::npos);
    QVERIFY(log[1].after_json.find("\"stars\":4") != std::string::npos);
    // 0 stars clears the rating: stored as none (unrated), as before any rating.
    variants.review(id, {"ben", "undo rate", std::nullopt, std::nullopt, 0});
    QVERIFY(!variants.find(id)->stars.has_value());
    QVERIFY(project.review_log().entries_for(id)[2].after_json.find("\"stars\":null") != std::string::npos);

    QVERIFY_THROWS_EXCEPTION(StoreError, project.database().exec("UPDATE review_log SET reviewer = 'eve'", "tamper"));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.database().exec("DELETE FROM review_log", "tamper"));
    QCOMPARE(project.review_log().all().size(), std::size_t{3});
    QCOMPARE(variants.count_by_status().at(VariantStatus::approved), int64_t{1});
  }

  void priorsVersionsAndExportsRoundTrip() {
    const auto dir = test::scratch_dir("store-priors");
    auto project = Project::create(dir / "p.backdrop");
    QVERIFY(!project.priors().latest("bags").has_value());
    const auto first = project.priors().add({"bags", R"({"a":1})", 1200, 84, {"bags.jsonl"}, "ana"});
    QCOMPARE(first.version, 1);
    QCOMPARE(first.created_by, std::string("ana"));
    QVERIFY(!first.created_at.empty());
    project.priors().add({"shoes", R"({"s":1})", 10, 1, {}, "ana"});
    const auto second = project.priors().add({"bags", R"({"a":2})", 2400, 170, {"a.jsonl", "b.jsonl"}, "rui"});
    QCOMPARE(second.version, 2);
    const auto latest = project.priors().latest("bags");
    QVERIFY(latest.has_value());
    QCOMPARE(latest->priors_json, std::string(R"({"a":2})"));
    QCOMPARE(latest->impressions, int64_t{2400});
    QCOMPARE(latest->clicks, int64_t{170});
    QCOMPARE(latest->logs, (std::vector<std::string>{"a.jsonl", "b.jsonl"}));
    QCOMPARE(project.priors().versions("bags").size(), std::size_t{2});
    QCOMPARE(project.priors().versions("bags")[0].priors_json, std::string(R"({"a":1})"));
    QVERIFY(!project.priors().latest("other").has_value());
    // A version is history: never rewritten, and clicks never exceed impressions.
    QVERIFY_THROWS_EXCEPTION(StoreError,
                             project.database().exec("UPDATE category_priors SET clicks = 0", "rewrite priors"));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.priors().add({"bags", "{}", 10, 11, {}, "ana"}));

    project.exports().record({0, "", "out/bundle", "zip", 12, "deadbeef", "0.1.0"});
    const auto exports = project.exports().list();
    QCOMPARE(exports.size(), std::size_t{1});
    QCOMPARE(exports[0].variant_count, int64_t{12});
    QVERIFY(!exports[0].created_at.empty());
  }

  // Headless approval: only variants nobody decided on, under the score bar, in the category;
  // each approval is in the review log under the reviewer's name.
  void unflaggedVariantsAreApprovedInBulk() {
    const auto dir = test::scratch_dir("store-bulk-approval");
    auto project = Project::create(dir / "shop.backdrop");
    project.products().upsert(product("bag"));
    project.products().upsert(product("shoe", "shoes"));
    auto variants = project.variants();
    const auto low = add_variant(project, "aa01", "bag");  // scored 0.25
    const auto high = add_variant(project, "aa02", "bag");
    variants.set_artifact_scores(high, {{"edge_continuation", 0.9}, {"object_expansion", 0.1}});
    const auto flagged = add_variant(project, "aa03", "bag");
    variants.review(flagged, {"auto", "flag", VariantStatus::flagged, std::vector<std::string>{"artifact"}, {}});
    const auto shoe = add_variant(project, "aa04", "shoe");
    QCOMPARE(*variants.find(high)->worst_artifact_score(), 0.9);

    const auto in_bags = approve_unflagged_variants(project, {0.5, "bags"}, "dora");
    QCOMPARE(in_bags, std::vector<int64_t>{low});
    const auto rest = approve_unflagged_variants(project, {}, "erik");
    QCOMPARE(rest, (std::vector<int64_t>{high, shoe}));
    QVERIFY(variants.find(flagged)->status == VariantStatus::flagged);
    const auto log = project.review_log().entries_for(low);
    QCOMPARE(log.size(), size_t{1});
    QCOMPARE(log.front().reviewer, std::string("dora"));
    QCOMPARE(log.front().action, std::string("approve"));
    QVERIFY(approve_unflagged_variants(project, {}, "erik").empty());  // nothing left to approve
  }

  void placementsAreReplacedByName() {
    const auto dir = test::scratch_dir("store-placements");
    auto project = Project::create(dir / "p.backdrop");
    const auto id = project.placements().save({0, "left", 768, 512, {0.3, 0.5, 0.7}});
    QCOMPARE(project.placements().save({0, "left", 768, 512, {0.25, std::nullopt, 0.7}}), id);
    QCOMPARE(project.placements().find("left")->position, (imaging::ProductPosition{0.25, std::nullopt, 0.7}));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.placements().save({0, "bad", 0, 512}));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.placements().save({0, "bad", 512, 512, {1.5, 0.5, 0.5}}));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.placements().save({0, "bad", 512, 512, {0.5, std::nan(""), 0.5}}));
    QVERIFY_THROWS_EXCEPTION(StoreError, project.placements().remove("no-such-placement"));
  }

  void placementsAreSeededWithTheAdPlacements() {
    const auto dir = test::scratch_dir("store-placements-seeded");
    auto project = Project::create(dir / "p.backdrop");
    const auto seeded = project.placements().list();
    QCOMPARE(seeded.size(), size_t{7});
    QCOMPARE(seeded.front().name, std::string("square"));
    QCOMPARE(seeded.front().width, 1080);
    QCOMPARE(project.placements().find("story")->height, 1920);
    QVERIFY(project.placements().find("story")->position.empty());  // the layout rule places the product
    project.placements().remove("story");
    QCOMPARE(project.placements().list().size(), size_t{6});
    QVERIFY(!project.placements().find("story"));
    // An old project whose placements table is empty gets the seven when it is opened.
    for (const auto& placement : project.placements().list()) {
      if (placement.name != "square") project.placements().remove(placement.name);
    }
    QVERIFY_THROWS_EXCEPTION(StoreError, project.placements().remove("square"));  // the last one stays
    Statement(project.database(), "DELETE FROM placements").run();
    QVERIFY(project.placements().list().empty());
    const auto file = project.file();
    QCOMPARE(Project::open(file).placements().list().size(), size_t{7});
  }
};

QTEST_APPLESS_MAIN(ProjectTest)
#include "project_test.moc"
