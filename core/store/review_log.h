#pragma once
// The append-only review log: who changed which variant's review state, when, and from what to
// what. Triggers in the schema refuse UPDATE and DELETE on it.

#include <cstdint>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct ReviewEntry {
  int64_t id = 0;
  int64_t variant_id = 0;
  std::string reviewer;
  std::string at;  // UTC, ISO 8601
  std::string action;
  std::string before_json;
  std::string after_json;
};

class ReviewLog {
 public:
  explicit ReviewLog(Database& database) : database_(database) {}
  // Normally called by VariantRepository::review inside its transaction.
  int64_t append(const ReviewEntry& entry);
  std::vector<ReviewEntry> entries_for(int64_t variant_id);
  std::vector<ReviewEntry> all();

 private:
  Database& database_;
};

}  // namespace backdrop
