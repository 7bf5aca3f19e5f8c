#include "core/store/export_repository.h"

#include "core/store/sqlite_database.h"

namespace backdrop {

int64_t ExportRepository::record(const ExportRecord& record) {
  Statement insert(database_,
                   "INSERT INTO exports (created_at, destination, format, variant_count, manifest_sha256, "
                   "engine_version) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind_all(record.created_at.empty() ? utc_timestamp() : record.created_at, record.destination, record.format,
                  record.variant_count, record.manifest_sha256, record.engine_version);
  insert.run();
  return database_.last_insert_rowid();
}

std::vector<ExportRecord> ExportRepository::list() {
  Statement select(database_,
                   "SELECT id, created_at, destination, format, variant_count, manifest_sha256, engine_version "
                   "FROM exports ORDER BY id");
  return read_all(select, [](const Statement& row) {
    return ExportRecord{row.column_int64(0), row.column_text(1),  row.column_text(2), row.column_text(3),
                        row.column_int64(4), row.column_text(5), row.column_text(6)};
  });
}

}  // namespace backdrop
