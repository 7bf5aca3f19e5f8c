#pragma once
// A thin RAII layer over libpq: one connection, parameterised queries, results by row and column.
// Failures are StoreErrors naming the server (URL without password) and the operation.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace backdrop {

class PostgresResult {
 public:
  explicit PostgresResult(pg_result* result);
  int status() const;  // libpq's ExecStatusType
  int rows() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  int64_t int64(int row, int column) const;
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;

 private:
  std::shared_ptr<pg_result> result_;
};

class PostgresConnection {
 public:
  // `url`: postgresql://user@host:port/dbname (any libpq connection string works).
  explicit PostgresConnection(const std::string& url);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Runs one statement with text parameters ($1, $2 ...).
  PostgresResult execute(const std::string& sql, const std::vector<std::string>& parameters,
                         const std::string& operation);
  // Runs statements without parameters (several separated by ';' allowed).
  void execute_script(const std::string& sql, const std::string& operation);

  const std::string& display_name() const { return display_name_; }

 private:
  pg_conn* connection_ = nullptr;
  std::string display_name_;
};

bool is_postgres_url(const std::string& text);

// The URL as it may appear in messages: a password, when given, is replaced by "***".
std::string without_password(const std::string& url);

}  // namespace backdrop
