#include "core/store/mask_repository.h"

#include <nlohmann/json.hpp>

#include "core/store/product_repository.h"
#include "core/store/sqlite_database.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

constexpr const char* kSelectMask =
    "SELECT p.external_id, m.method, m.confidence, m.reasons_json, m.status, COALESCE(m.decided_by, ''), "
    "COALESCE(m.decided_at, ''), m.updated_at FROM product_masks m JOIN products p ON p.id = m.product_id ";

StoredMask read_mask(const Statement& row) {
  StoredMask mask;
  mask.product = row.column_text(0);
  mask.method = row.column_text(1);
  mask.confidence = row.column_double(2);
  mask.reasons = nlohmann::json::parse(row.column_text(3)).get<std::vector<std::string>>();
  mask.status = mask_status_from_name(row.column_text(4));
  mask.decided_by = row.column_text(5);
  mask.decided_at = row.column_text(6);
  mask.updated_at = row.column_text(7);
  return mask;
}

}  // namespace

std::string mask_status_name(MaskStatus status) {
  switch (status) {
    case MaskStatus::automatic:
      return "auto";
    case MaskStatus::needs_attention:
      return "needs-attention";
    case MaskStatus::accepted:
      return "accepted";
    case MaskStatus::hand_drawn:
      return "hand-drawn";
  }
  return "auto";
}

MaskStatus mask_status_from_name(const std::string& name) {
  for (auto status :
       {MaskStatus::automatic, MaskStatus::needs_attention, MaskStatus::accepted, MaskStatus::hand_drawn}) {
    if (mask_status_name(status) == name) return status;
  }
  throw StoreError("mask status '" + name + "': expected auto, needs-attention, accepted or hand-drawn");
}

int64_t MaskRepository::product_row(const std::string& product) {
  const auto row = ProductRepository(database_).row_id(product);
  if (!row) throw StoreError(database_.file().string() + ": product '" + product + "' is not in the catalogue");
  return *row;
}

void MaskRepository::record_computed(const std::string& product, const std::string& method, double confidence,
                                     const std::vector<std::string>& reasons, bool needs_attention) {
  const int64_t row = product_row(product);
  const auto status = needs_attention ? MaskStatus::needs_attention : MaskStatus::automatic;
  Statement upsert(database_,
                   "INSERT INTO product_masks (product_id, method, confidence, reasons_json, status, decided_by, "
                   "decided_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?) ON CONFLICT (product_id) DO UPDATE "
                   "SET method = excluded.method, confidence = excluded.confidence, reasons_json = "
                   "excluded.reasons_json, status = excluded.status, decided_by = NULL, decided_at = NULL, "
                   "updated_at = excluded.updated_at");
  upsert.bind_all(row, method, confidence, nlohmann::json(reasons).dump(), mask_status_name(status), utc_timestamp());
  upsert.run();
}

void MaskRepository::set_decision(const std::string& product, MaskStatus status, const std::string& person) {
  Statement update(database_,
                   "UPDATE product_masks SET status = ?, decided_by = ?, decided_at = ?, updated_at = ? "
                   "WHERE product_id = ?");
  const std::string now = utc_timestamp();
  update.bind_all(mask_status_name(status), person, now, now, product_row(product));
  update.run();
}

void MaskRepository::accept(const std::string& product, const std::string& person) {
  if (!find(product)) {
    throw StoreError(database_.file().string() + ": accept the mask of '" + product + "': it has not been prepared");
  }
  set_decision(product, MaskStatus::accepted, person);
}

void MaskRepository::record_hand_drawn(const std::string& product, const std::string& person) {
  if (!find(product)) record_computed(product, "hand-drawn", 1.0, {}, false);
  set_decision(product, MaskStatus::hand_drawn, person);
}

std::optional<StoredMask> MaskRepository::find(const std::string& product) {
  Statement select(database_, std::string(kSelectMask) + "WHERE p.external_id = ?");
  select.bind_all(product);
  if (!select.step()) return std::nullopt;
  return read_mask(select);
}

std::map<std::string, StoredMask> MaskRepository::list() {
  Statement select(database_, std::string(kSelectMask) + "ORDER BY p.external_id");
  std::map<std::string, StoredMask> masks;
  while (select.step()) {
    auto mask = read_mask(select);
    masks.emplace(mask.product, std::move(mask));
  }
  return masks;
}

std::vector<StoredMask> MaskRepository::held_back() {
  Statement select(database_, std::string(kSelectMask) + "WHERE m.status = 'needs-attention' ORDER BY p.external_id");
  std::vector<StoredMask> masks;
  while (select.step()) masks.push_back(read_mask(select));
  return masks;
}

}  // namespace backdrop
