#pragma once
// The record of every export: where it went, how many variants, and the manifest's hash.

#include <cstdint>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct ExportRecord {
  int64_t id = 0;
  std::string created_at;
  std::string destination;
  std::string format;
  int64_t variant_count = 0;
  std::string manifest_sha256;
  std::string engine_version;
};

class ExportRepository {
 public:
  explicit ExportRepository(Database& database) : database_(database) {}
  int64_t record(const ExportRecord& record);  // created_at is filled in when empty
  std::vector<ExportRecord> list();

 private:
  Database& database_;
};

}  // namespace backdrop
