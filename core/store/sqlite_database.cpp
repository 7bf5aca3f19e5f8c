#include "core/store/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <ctime>

namespace backdrop {
namespace {

constexpr int kBusyTimeoutMs = 30000;

std::string shortened(std::string_view sql) {
  constexpr std::size_t kMax = 60;
  std::string text(sql.substr(0, kMax));
  for (auto& c : text) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > kMax ? text + "..." : text;
}

}  // namespace

// ---- Database ----

Database::Database(const std::filesystem::path& file, Mode mode) : file_(file) {
  if (mode == Mode::create_new && std::filesystem::exists(file)) {
    throw StoreError(file.string() + ": create project: the file already exists");
  }
  if (mode == Mode::open_existing && !std::filesystem::is_regular_file(file)) {
    throw StoreError(file.string() + ": open project: no such file");
  }
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
                    (mode == Mode::create_new ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &connection_, flags, nullptr) != SQLITE_OK) {
    const std::string message = connection_ ? sqlite3_errmsg(connection_) : "out of memory";
    sqlite3_close(connection_);
    connection_ = nullptr;
    if (mode == Mode::create_new) remove_database_files(file);  // e.g. created, then the disk was full
    throw StoreError(file.string() + ": open: " + message);
  }
  sqlite3_extended_result_codes(connection_, 1);
  sqlite3_busy_timeout(connection_, kBusyTimeoutMs);
  try {
    // Reading a file that is not SQLite fails here, with a message naming it.
    exec("PRAGMA journal_mode=WAL", "enable write-ahead logging");
    exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL", "configure connection");
  } catch (...) {
    sqlite3_close(connection_);
    if (mode == Mode::create_new) remove_database_files(file);
    throw;
  }
}

void remove_database_files(const std::filesystem::path& file) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(file.string() + suffix, ignored);
}

Database::~Database() { sqlite3_close(connection_); }

void Database::fail(const std::string& operation) const {
  throw StoreError(file_.string() + ": " + operation + ": " + sqlite3_errmsg(connection_));
}

void Database::exec(std::string_view sql, const std::string& operation) {
  const std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(connection_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string detail = message ? message : sqlite3_errmsg(connection_);
    sqlite3_free(message);
    throw StoreError(file_.string() + ": " + operation + ": " + detail);
  }
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(connection_); }

int Database::changes() const { return sqlite3_changes(connection_); }

int Database::user_version() {
  Statement statement(*this, "PRAGMA user_version");
  statement.step();
  return static_cast<int>(statement.column_int64(0));
}

void Database::set_user_version(int version) {
  exec("PRAGMA user_version=" + std::to_string(version), "set schema version");
}

// ---- Statement ----

Statement::Statement(Database& database, std::string_view sql) : database_(database), sql_(sql) {
  if (sqlite3_prepare_v2(database_.handle(), sql_.data(), static_cast<int>(sql_.size()), &statement_, nullptr) !=
      SQLITE_OK) {
    fail("prepare");
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::fail(const std::string& operation) const {
  database_.fail(operation + " '" + shortened(sql_) + "'");
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) fail("bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK) fail("bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) {
    fail("bind");
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const std::vector<uint8_t>& bytes) {
  if (sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK) fail("bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) fail("bind");
  return *this;
}

bool Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  fail("run");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(statement_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(statement_, column); }

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(statement_, column)) : "";
}

std::vector<uint8_t> Statement::column_blob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(statement_, column));
  return data ? std::vector<uint8_t>(data, data + sqlite3_column_bytes(statement_, column)) : std::vector<uint8_t>{};
}

std::optional<int64_t> Statement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

// ---- Transaction ----

Transaction::Transaction(Database& database) : database_(database) {
  database_.exec("BEGIN IMMEDIATE", "begin transaction");
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(database_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  database_.exec("COMMIT", "commit transaction");
  open_ = false;
}

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace backdrop
