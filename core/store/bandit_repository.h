#pragma once
// Bandit policies' persisted state: priors as JSON, the learnt state as an opaque blob that the
// bandit code serialises itself.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct BanditRecord {
  std::string name;    // e.g. "apparel/homepage"
  std::string policy;  // e.g. "thompson-beta"
  std::string priors_json;
  std::vector<uint8_t> state;
  std::string updated_at;
};

class BanditRepository {
 public:
  explicit BanditRepository(Database& database) : database_(database) {}
  void save(const BanditRecord& record);  // insert or replace by name
  std::optional<BanditRecord> load(const std::string& name);
  std::vector<std::string> names();

 private:
  Database& database_;
};

}  // namespace backdrop
