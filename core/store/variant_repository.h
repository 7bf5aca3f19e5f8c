#pragma once
// Generated variants: their inputs (as canonical JSON), the image in the cache, artifact scores,
// and the review state. Every review change appends to the review log in the same transaction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

enum class VariantStatus { generated, flagged, approved, rejected };
std::string to_string(VariantStatus status);
VariantStatus variant_status_from_string(const std::string& text);

struct StoredVariant {
  int64_t id = 0;
  std::string variant_key;  // the content-addressed cache key
  std::string product_external_id;
  std::optional<int64_t> prompt_id;
  std::string inputs_json;
  std::string image_path;  // relative to the project's cache folder
  std::string image_sha256;
  std::map<std::string, double> artifact_scores;
  VariantStatus status = VariantStatus::generated;
  std::vector<std::string> flag_reasons;
  std::optional<int> stars;
  std::string created_at;

  // The worst (highest) of its automatic artifact scores; nothing when it was not scored.
  std::optional<double> worst_artifact_score() const;
};

// A review action; fields left empty are not changed.
struct ReviewChange {
  std::string reviewer;
  std::string action;  // "approve", "reject", "flag", "rate" ...
  std::optional<VariantStatus> status;
  std::optional<std::vector<std::string>> flag_reasons;
  std::optional<int> stars;  // 1-5; 0 clears the rating (stored as none: never rated reads unrated)
};

class VariantRepository {
 public:
  explicit VariantRepository(Database& database) : database_(database) {}

  // Stores a new variant; when one with the same key exists it is left as it is (its reviews
  // stay) and its row id is returned.
  int64_t insert_or_get(const StoredVariant& variant);
  std::optional<StoredVariant> find(int64_t id);
  std::optional<StoredVariant> find_by_key(const std::string& variant_key);
  std::vector<StoredVariant> list();
  std::vector<StoredVariant> list_for_product(const std::string& external_id);
  std::map<VariantStatus, int64_t> count_by_status();

  void set_artifact_scores(int64_t id, const std::map<std::string, double>& scores);
  // Applies a review change and appends its before/after to the review log, atomically.
  void review(int64_t id, const ReviewChange& change);

 private:
  Database& database_;
};

}  // namespace backdrop
