#include "core/store/variant_repository.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/store/review_log.h"
#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

constexpr const char* kSelect =
    "SELECT v.id, v.variant_key, p.external_id, v.prompt_id, v.inputs_json, v.image_path, v.image_sha256, "
    "v.artifact_scores_json, v.status, v.flag_reasons_json, v.stars, v.created_at "
    "FROM variants v JOIN products p ON p.id = v.product_id ";

StoredVariant read_variant(const Statement& row) {
  StoredVariant variant;
  variant.id = row.column_int64(0);
  variant.variant_key = row.column_text(1);
  variant.product_external_id = row.column_text(2);
  variant.prompt_id = row.column_optional_int64(3);
  variant.inputs_json = row.column_text(4);
  variant.image_path = row.column_text(5);
  variant.image_sha256 = row.column_text(6);
  variant.artifact_scores = nlohmann::json::parse(row.column_text(7)).get<std::map<std::string, double>>();
  variant.status = variant_status_from_string(row.column_text(8));
  variant.flag_reasons = nlohmann::json::parse(row.column_text(9)).get<std::vector<std::string>>();
  if (auto stars = row.column_optional_int64(10)) variant.stars = static_cast<int>(*stars);
  variant.created_at = row.column_text(11);
  return variant;
}

// The reviewable part of a variant, as recorded before and after a change in the review log.
nlohmann::json review_state(const StoredVariant& variant) {
  return {{"status", to_string(variant.status)},
          {"flag_reasons", variant.flag_reasons},
          {"stars", variant.stars ? nlohmann::json(*variant.stars) : nlohmann::json(nullptr)}};
}

}  // namespace

std::optional<double> StoredVariant::worst_artifact_score() const {
  std::optional<double> worst;
  for (const auto& [name, score] : artifact_scores) worst = std::max(worst.value_or(score), score);
  return worst;
}

std::string to_string(VariantStatus status) {
  switch (status) {
    case VariantStatus::generated: return "generated";
    case VariantStatus::flagged: return "flagged";
    case VariantStatus::approved: return "approved";
    case VariantStatus::rejected: return "rejected";
  }
  return "generated";
}

VariantStatus variant_status_from_string(const std::string& text) {
  if (text == "generated") return VariantStatus::generated;
  if (text == "flagged") return VariantStatus::flagged;
  if (text == "approved") return VariantStatus::approved;
  if (text == "rejected") return VariantStatus::rejected;
  throw StoreError("unknown variant status '" + text + "' (generated, flagged, approved, rejected)");
}

int64_t VariantRepository::insert_or_get(const StoredVariant& variant) {
  Statement insert(database_,
                   "INSERT INTO variants (variant_key, product_id, prompt_id, inputs_json, image_path, image_sha256, "
                   "artifact_scores_json, status, flag_reasons_json, stars, created_at) "
                   "SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM products WHERE external_id = ? "
                   "ON CONFLICT (variant_key) DO NOTHING");
  insert.bind_all(variant.variant_key, variant.prompt_id, variant.inputs_json, variant.image_path,
                  variant.image_sha256, nlohmann::json(variant.artifact_scores).dump(), to_string(variant.status),
                  nlohmann::json(variant.flag_reasons).dump(), variant.stars, utc_timestamp(),
                  variant.product_external_id);
  insert.run();
  const auto stored = find_by_key(variant.variant_key);
  if (!stored) {
    database_.fail("insert variant " + variant.variant_key + ": no product '" + variant.product_external_id + "'");
  }
  return stored->id;
}

std::optional<StoredVariant> VariantRepository::find(int64_t id) {
  Statement select(database_, std::string(kSelect) + "WHERE v.id = ?");
  select.bind_all(id);
  if (!select.step()) return std::nullopt;
  return read_variant(select);
}

std::optional<StoredVariant> VariantRepository::find_by_key(const std::string& variant_key) {
  Statement select(database_, std::string(kSelect) + "WHERE v.variant_key = ?");
  select.bind_all(variant_key);
  if (!select.step()) return std::nullopt;
  return read_variant(select);
}

std::vector<StoredVariant> VariantRepository::list() {
  Statement select(database_, std::string(kSelect) + "ORDER BY v.id");
  return read_all(select, read_variant);
}

std::vector<StoredVariant> VariantRepository::list_for_product(const std::string& external_id) {
  Statement select(database_, std::string(kSelect) + "WHERE p.external_id = ? ORDER BY v.id");
  select.bind_all(external_id);
  return read_all(select, read_variant);
}

std::map<VariantStatus, int64_t> VariantRepository::count_by_status() {
  Statement select(database_, "SELECT status, COUNT(*) FROM variants GROUP BY status");
  std::map<VariantStatus, int64_t> counts;
  while (select.step()) counts[variant_status_from_string(select.column_text(0))] = select.column_int64(1);
  return counts;
}

void VariantRepository::set_artifact_scores(int64_t id, const std::map<std::string, double>& scores) {
  Statement update(database_, "UPDATE variants SET artifact_scores_json = ? WHERE id = ?");
  update.bind_all(nlohmann::json(scores).dump(), id).run();
  if (database_.changes() == 0) database_.fail("set artifact scores of variant " + std::to_string(id) + ": no such variant");
}

void VariantRepository::review(int64_t id, const ReviewChange& change) {
  Transaction transaction(database_);
  auto variant = find(id);
  if (!variant) database_.fail("review variant " + std::to_string(id) + ": no such variant");
  const auto before = review_state(*variant);
  if (change.status) variant->status = *change.status;
  if (change.flag_reasons) variant->flag_reasons = *change.flag_reasons;
  if (change.stars) variant->stars = *change.stars > 0 ? change.stars : std::nullopt;
  Statement update(database_, "UPDATE variants SET status = ?, flag_reasons_json = ?, stars = ? WHERE id = ?");
  update.bind_all(to_string(variant->status), nlohmann::json(variant->flag_reasons).dump(), variant->stars, id);
  update.run();
  ReviewLog(database_).append({0, id, change.reviewer, utc_timestamp(), change.action, before.dump(),
                               review_state(*variant).dump()});
  transaction.commit();
}

}  // namespace backdrop
