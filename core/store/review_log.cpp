#include "core/store/review_log.h"

#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

constexpr const char* kSelect = "SELECT id, variant_id, reviewer, at, action, before_json, after_json FROM review_log ";

std::vector<ReviewEntry> read_entries(Statement& select) {
  return read_all(select, [](const Statement& row) {
    return ReviewEntry{row.column_int64(0), row.column_int64(1), row.column_text(2), row.column_text(3),
                       row.column_text(4),  row.column_text(5), row.column_text(6)};
  });
}

}  // namespace

int64_t ReviewLog::append(const ReviewEntry& entry) {
  Statement insert(database_,
                   "INSERT INTO review_log (variant_id, reviewer, at, action, before_json, after_json) "
                   "VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind_all(entry.variant_id, entry.reviewer, entry.at, entry.action, entry.before_json, entry.after_json);
  insert.run();
  return database_.last_insert_rowid();
}

std::vector<ReviewEntry> ReviewLog::entries_for(int64_t variant_id) {
  Statement select(database_, std::string(kSelect) + "WHERE variant_id = ? ORDER BY id");
  select.bind_all(variant_id);
  return read_entries(select);
}

std::vector<ReviewEntry> ReviewLog::all() {
  Statement select(database_, std::string(kSelect) + "ORDER BY id");
  return read_entries(select);
}

}  // namespace backdrop
