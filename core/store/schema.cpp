#include "core/store/schema.h"

#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

// Version 1: the catalogue, prompts, variants and their review, bandits and exports.
const char* const kVersion1 = R"sql(
CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  category_id INTEGER NOT NULL REFERENCES categories(id),
  title TEXT NOT NULL,
  image_path TEXT NOT NULL,
  image_sha256 TEXT NOT NULL,
  source_line INTEGER,
  updated_at TEXT NOT NULL
);
CREATE TABLE placements (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  x REAL NOT NULL,
  y REAL NOT NULL,
  scale REAL NOT NULL CHECK (scale > 0)
);
CREATE TABLE prompt_sets (
  id INTEGER PRIMARY KEY,
  category_id INTEGER NOT NULL REFERENCES categories(id),
  version INTEGER NOT NULL,
  author TEXT NOT NULL,
  approval TEXT NOT NULL CHECK (approval IN ('draft', 'approved', 'retired')),
  created_at TEXT NOT NULL,
  UNIQUE (category_id, version)
);
CREATE TABLE prompts (
  id INTEGER PRIMARY KEY,
  prompt_set_id INTEGER NOT NULL REFERENCES prompt_sets(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  prompt TEXT NOT NULL,
  negative_prompt TEXT NOT NULL DEFAULT '',
  colour TEXT NOT NULL DEFAULT '',
  UNIQUE (prompt_set_id, position)
);
CREATE TABLE variants (
  id INTEGER PRIMARY KEY,
  variant_key TEXT NOT NULL UNIQUE,
  product_id INTEGER NOT NULL REFERENCES products(id),
  prompt_id INTEGER REFERENCES prompts(id),
  inputs_json TEXT NOT NULL,
  image_path TEXT NOT NULL,
  image_sha256 TEXT NOT NULL,
  artifact_scores_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'generated'
    CHECK (status IN ('generated', 'flagged', 'approved', 'rejected')),
  flag_reasons_json TEXT NOT NULL DEFAULT '[]',
  stars INTEGER CHECK (stars BETWEEN 0 AND 5),
  created_at TEXT NOT NULL
);
CREATE INDEX variants_by_product ON variants(product_id);
CREATE TABLE review_log (
  id INTEGER PRIMARY KEY,
  variant_id INTEGER NOT NULL REFERENCES variants(id),
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL
);
CREATE INDEX review_log_by_variant ON review_log(variant_id);
CREATE TRIGGER review_log_is_append_only_update BEFORE UPDATE ON review_log
  BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER review_log_is_append_only_delete BEFORE DELETE ON review_log
  BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TABLE bandit_states (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  priors_json TEXT NOT NULL,
  state BLOB,
  updated_at TEXT NOT NULL
);
CREATE TABLE exports (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  destination TEXT NOT NULL,
  format TEXT NOT NULL,
  variant_count INTEGER NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  engine_version TEXT NOT NULL
);
)sql";

// Version 2: the generation queue. A job is a set of variant tasks; workers claim tasks under a
// lease that expires when a worker dies, so another worker takes the task over.
const char* const kVersion2 = R"sql(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
  created_at TEXT NOT NULL
);
CREATE TABLE job_tasks (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  variant_key TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
  lease_owner TEXT,
  lease_expires_ms INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  UNIQUE (job_id, variant_key)
);
CREATE INDEX job_tasks_by_state ON job_tasks(job_id, state);
)sql";

// Version 3: the verdict on each product's mask. A mask that needs attention holds its product
// back from generation and push until a person accepts or repaints it.
const char* const kVersion3 = R"sql(
CREATE TABLE product_masks (
  product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  confidence REAL NOT NULL,
  reasons_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL CHECK (status IN ('auto', 'needs-attention', 'accepted', 'hand-drawn')),
  decided_by TEXT,
  decided_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX product_masks_by_status ON product_masks(status);
)sql";

// Version 4: the project's own settings (segmentation model, preset, confidence threshold ...), so
// that the Studio and the CLI prepare and hold back a project's products the same way.
const char* const kVersion4 = R"sql(
CREATE TABLE project_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql";

// Version 5: the per-product Canny thresholds of the edge map. Until now the Studio kept them in a
// table of its own, keyed by the product's external id and created on first use; they move here.
const char* const kVersion5 = R"sql(
CREATE TABLE edge_settings (
  product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
  low REAL NOT NULL CHECK (low >= 0),
  high REAL NOT NULL CHECK (high >= low)
);
CREATE TABLE IF NOT EXISTS studio_edge_settings (
  product_external_id TEXT PRIMARY KEY, low REAL NOT NULL, high REAL NOT NULL
);
INSERT INTO edge_settings (product_id, low, high)
  SELECT p.id, s.low, s.high FROM studio_edge_settings s JOIN products p ON p.external_id = s.product_external_id
  WHERE s.low >= 0 AND s.high >= s.low;
DROP TABLE studio_edge_settings;
)sql";

// Version 6: who approved or retired a prompt set, and when. Append-only like the variants' review
// log, so a set's history survives later changes of its state.
const char* const kVersion6 = R"sql(
CREATE TABLE prompt_set_log (
  id INTEGER PRIMARY KEY,
  prompt_set_id INTEGER NOT NULL REFERENCES prompt_sets(id),
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE INDEX prompt_set_log_by_set ON prompt_set_log(prompt_set_id);
CREATE TRIGGER prompt_set_log_is_append_only_update BEFORE UPDATE ON prompt_set_log
  BEGIN SELECT RAISE(ABORT, 'the prompt set log is append-only'); END;
CREATE TRIGGER prompt_set_log_is_append_only_delete BEFORE DELETE ON prompt_set_log
  BEGIN SELECT RAISE(ABORT, 'the prompt set log is append-only'); END;
)sql";

// Version 7: a placement's product position becomes optional. Until now every renderer placed the
// product by the category's layout rule and ignored x, y and scale; now a value set is honoured and
// NULL means the rule's. The seeded 0.5 / 0.5 / 0.6 (also what `placements add` defaulted to) turn
// into NULL, so existing projects keep their pixels; other values were asked for and now apply.
const char* const kVersion7 = R"sql(
CREATE TABLE placements_v7 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  x REAL CHECK (x BETWEEN 0 AND 1),
  y REAL CHECK (y BETWEEN 0 AND 1),
  scale REAL CHECK (scale > 0 AND scale <= 1)
);
INSERT INTO placements_v7 (id, name, width, height, x, y, scale)
  SELECT id, name, width, height, NULLIF(x, 0.5), NULLIF(y, 0.5), NULLIF(scale, 0.6) FROM placements;
DROP TABLE placements;
ALTER TABLE placements_v7 RENAME TO placements;
)sql";

// Version 8: bandit priors become versions per category, learnt from imported click logs with how
// many impressions and clicks, which logs, by whom and when (push ships the newest). The one
// unversioned state per name is carried over as each category's version 1.
const char* const kVersion8 = R"sql(
CREATE TABLE category_priors (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  priors_json TEXT NOT NULL,
  impressions INTEGER NOT NULL CHECK (impressions >= 0),
  clicks INTEGER NOT NULL CHECK (clicks >= 0 AND clicks <= impressions),
  logs_json TEXT NOT NULL DEFAULT '[]',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (category, version)
);
INSERT INTO category_priors (category, version, priors_json, impressions, clicks, logs_json, created_by, created_at)
  SELECT name, 1, priors_json, 0, 0, '[]', 'an earlier version of Backdrop', updated_at FROM bandit_states;
DROP TABLE bandit_states;
CREATE TRIGGER category_priors_are_kept_update BEFORE UPDATE ON category_priors
  BEGIN SELECT RAISE(ABORT, 'priors versions are never changed'); END;
)sql";

// Version 9: a job can be cancelled. Before, a cancelled job stayed 'active' with its unmade tasks,
// so any worker took them up again. SQLite cannot change a CHECK in place, so both tables are
// rebuilt; the tasks move first so that dropping the old jobs table cascades to nothing.
const char* const kVersion9 = R"sql(
CREATE TABLE jobs_v9 (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'cancelled')),
  created_at TEXT NOT NULL
);
INSERT INTO jobs_v9 (id, name, state, created_at) SELECT id, name, state, created_at FROM jobs;
CREATE TABLE job_tasks_v9 (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs_v9(id) ON DELETE CASCADE,
  variant_key TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
  lease_owner TEXT,
  lease_expires_ms INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  UNIQUE (job_id, variant_key)
);
INSERT INTO job_tasks_v9 (id, job_id, variant_key, inputs_json, state, lease_owner, lease_expires_ms, attempts, error)
  SELECT id, job_id, variant_key, inputs_json, state, lease_owner, lease_expires_ms, attempts, error FROM job_tasks;
DROP TABLE job_tasks;
DROP TABLE jobs;
ALTER TABLE jobs_v9 RENAME TO jobs;
ALTER TABLE job_tasks_v9 RENAME TO job_tasks;
CREATE INDEX job_tasks_by_state ON job_tasks(job_id, state);
)sql";

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations{
      {1, "catalogue, prompts, variants, review log, bandits, exports", kVersion1},
      {2, "generation jobs and their task queue", kVersion2},
      {3, "mask verdicts: method, confidence, reasons, needs-attention and who accepted", kVersion3},
      {4, "project settings: segmentation model, preset and confidence threshold", kVersion4},
      {5, "per-product edge thresholds, moved from the Studio's own table", kVersion5},
      {6, "prompt set approvals: who and when", kVersion6},
      {7, "a placement's product position is optional: unset follows the layout rule", kVersion7},
      {8, "bandit priors are versioned per category, with the logs they were learnt from", kVersion8},
      {9, "a job can be cancelled", kVersion9},
  };
  return migrations;
}

int latest_schema_version() { return schema_migrations().back().version; }

void migrate_schema(Database& database, int target) {
  if (target < 0) target = latest_schema_version();
  Transaction transaction(database);
  const int current = database.user_version();
  if (current > latest_schema_version()) {
    throw StoreError(database.file().string() + ": open project: schema version " + std::to_string(current) +
                     " is newer than this build of Backdrop understands (" +
                     std::to_string(latest_schema_version()) + ")");
  }
  for (const auto& migration : schema_migrations()) {
    if (migration.version <= current || migration.version > target) continue;
    database.exec(migration.sql,
                  "migrate schema to version " + std::to_string(migration.version) + " (" + migration.description + ")");
    database.set_user_version(migration.version);
  }
  transaction.commit();
}

}  // namespace backdrop
