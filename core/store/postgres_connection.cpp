#include "core/store/postgres_connection.h"

#include <libpq-fe.h>

#include <regex>

#include "core/store/store_error.h"

namespace backdrop {
namespace {

std::string trimmed_message(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

std::string without_password(const std::string& url) {
  static const std::regex kPassword(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  return std::regex_replace(url, kPassword, "$1:***@");
}

bool is_postgres_url(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

PostgresResult::PostgresResult(pg_result* result) : result_(result, PQclear) {}

int PostgresResult::status() const { return PQresultStatus(result_.get()); }

int PostgresResult::rows() const { return PQntuples(result_.get()); }

bool PostgresResult::is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }

std::string PostgresResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PostgresResult::int64(int row, int column) const { return std::stoll(text(row, column)); }

int64_t PostgresResult::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return (count && *count) ? std::stoll(count) : 0;
}

PostgresConnection::PostgresConnection(const std::string& url) : display_name_(without_password(url)) {
  connection_ = PQconnectdb(url.c_str());
  if (PQstatus(connection_) != CONNECTION_OK) {
    const auto message = trimmed_message(PQerrorMessage(connection_));
    PQfinish(connection_);
    connection_ = nullptr;
    throw StoreError(display_name_ + ": connect: " + message);
  }
  // Notices ("relation already exists, skipping") would go to stderr otherwise.
  PQsetNoticeProcessor(connection_, [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

PostgresResult PostgresConnection::execute(const std::string& sql, const std::vector<std::string>& parameters,
                                           const std::string& operation) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& parameter : parameters) values.push_back(parameter.c_str());
  PostgresResult result(PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0));
  const auto status = result.status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw StoreError(display_name_ + ": " + operation + ": " + trimmed_message(PQerrorMessage(connection_)));
  }
  return result;
}

void PostgresConnection::execute_script(const std::string& sql, const std::string& operation) {
  pg_result* result = PQexec(connection_, sql.c_str());
  const auto status = PQresultStatus(result);
  PQclear(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw StoreError(display_name_ + ": " + operation + ": " + trimmed_message(PQerrorMessage(connection_)));
  }
}

}  // namespace backdrop
