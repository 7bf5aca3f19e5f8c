#pragma once
// A thin RAII layer over SQLite's C API: a connection, prepared statements and transactions.
// Every failure is a StoreError naming the database file and the operation.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace backdrop {

class Database;

// A prepared statement. Bind parameters by 1-based index, then step() through the rows.
class Statement {
 public:
  Statement(Database& database, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_blob(int index, const std::vector<uint8_t>& bytes);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Binds the arguments to parameters 1..N.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row; false when the statement is done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  bool is_null(int column) const;
  int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::vector<uint8_t> column_blob(int column) const;
  std::optional<int64_t> column_optional_int64(int column) const;

 private:
  [[noreturn]] void fail(const std::string& operation) const;

  Database& database_;
  sqlite3_stmt* statement_ = nullptr;
  std::string sql_;
};

class Database {
 public:
  enum class Mode { open_existing, create_new };

  // Opens a connection with WAL, foreign keys, synchronous=FULL and a busy timeout, so several
  // threads and processes can share one file. create_new fails when the file already exists.
  Database(const std::filesystem::path& file, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql, const std::string& operation);
  int64_t last_insert_rowid() const;
  int changes() const;

  // The file's user_version pragma: the schema version of a project file.
  int user_version();
  void set_user_version(int version);

  const std::filesystem::path& file() const { return file_; }
  sqlite3* handle() { return connection_; }

  // "file: operation: SQLite's message".
  [[noreturn]] void fail(const std::string& operation) const;

 private:
  std::filesystem::path file_;
  sqlite3* connection_ = nullptr;
};

// Removes a database file with its write-ahead log and shared-memory index: what a project that
// failed to come into being leaves behind. Closes nothing; the caller closed its connections.
void remove_database_files(const std::filesystem::path& file);

// BEGIN IMMEDIATE .. COMMIT; rolls back when destroyed before commit() (an exception unwound it).
// IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading read locks.
class Transaction {
 public:
  explicit Transaction(Database& database);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& database_;
  bool open_ = true;
};

// Steps through every row, turning each into a value with `read(statement)`.
template <typename Read>
auto read_all(Statement& statement, Read read) {
  std::vector<decltype(read(statement))> rows;
  while (statement.step()) rows.push_back(read(statement));
  return rows;
}

// The current time in UTC as ISO 8601 ("2026-11-25T23:09:48Z"), the format of every timestamp.
std::string utc_timestamp();

}  // namespace backdrop
