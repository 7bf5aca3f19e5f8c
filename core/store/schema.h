#pragma once
// The project file's schema, as an ordered list of migrations. A file's PRAGMA user_version is the
// number of migrations applied; opening a file applies the missing ones in one transaction.
// Rule: a migration, once released, is never edited; changes are new migrations at the end.

#include <string>
#include <vector>

namespace backdrop {

class Database;

struct Migration {
  int version;  // the schema version after this step
  std::string description;
  std::string sql;
};

// Every migration, oldest first; the last one's version is kSchemaVersion.
const std::vector<Migration>& schema_migrations();
int latest_schema_version();

// Brings the database to `target` (default: latest). Throws StoreError naming the file when the
// file is newer than this build or a step fails; a failed step leaves the file unchanged.
void migrate_schema(Database& database, int target = -1);

}  // namespace backdrop
