#pragma once
// Bandit priors per category, versioned: each version is what the click logs imported at that time
// taught (or what an earlier Backdrop kept), with how many impressions and clicks it learnt from,
// which logs, who made it and when. Push ships a category's newest version; older ones stay for
// history and are never changed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct PriorsVersion {
  int64_t id = 0;
  std::string category;
  int version = 0;          // 1, 2, ... per category
  std::string priors_json;  // core/bandit/priors.h's JSON
  int64_t impressions = 0;  // the logged impressions it learnt from
  int64_t clicks = 0;
  std::vector<std::string> logs;  // the log files' names
  std::string created_by;
  std::string created_at;  // UTC, ISO 8601
};

// What a new version holds; the repository numbers and dates it.
struct NewPriors {
  std::string category;
  std::string priors_json;
  int64_t impressions = 0;
  int64_t clicks = 0;
  std::vector<std::string> logs;
  std::string created_by;
};

class PriorsRepository {
 public:
  explicit PriorsRepository(Database& database) : database_(database) {}
  // Stores the category's next version and returns it.
  PriorsVersion add(const NewPriors& priors);
  std::optional<PriorsVersion> latest(const std::string& category);
  std::vector<PriorsVersion> versions(const std::string& category);  // oldest first

 private:
  Database& database_;
};

}  // namespace backdrop
