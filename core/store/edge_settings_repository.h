#pragma once
// The Canny thresholds chosen for a product's edge map in the Studio's product view. The
// diffusion generator's ControlNet sees the edge map drawn with them, so they are pixel inputs of
// the product's variants.

#include <optional>
#include <string>

namespace backdrop {

class Database;

struct EdgeThresholds {
  double low = 0;
  double high = 0;
  bool operator==(const EdgeThresholds&) const = default;
};

class EdgeSettingsRepository {
 public:
  explicit EdgeSettingsRepository(Database& database) : database_(database) {}

  // The thresholds saved for the product, if someone adjusted them.
  std::optional<EdgeThresholds> find(const std::string& product);
  // Throws StoreError naming the product for one not in the catalogue, and for thresholds that are
  // negative or with low above high.
  void save(const std::string& product, const EdgeThresholds& thresholds);

 private:
  Database& database_;
};

}  // namespace backdrop
