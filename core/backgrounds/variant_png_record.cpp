#include "core/backgrounds/variant_png_record.h"

#include <nlohmann/json.hpp>

#include "core/common/json_where.h"
#include "core/imaging/image_error.h"
#include "core/imaging/png_text.h"

namespace backdrop::backgrounds {

VariantImageRecord parse_variant_record(std::string_view json_text, const std::string& origin) {
  using Where = JsonWhere<imaging::ImageError>;
  const Where where(origin + ": " + kVariantRecordKey);
  const auto record = nlohmann::json::parse(json_text, nullptr, false);
  if (record.is_discarded()) where.fail("not valid JSON");
  const auto& artifacts = require(record, "artifacts", where);
  const auto in_artifacts = where.key("artifacts");
  VariantImageRecord result;
  result.generator = require_string(record, "generator", where);
  result.artifact_scores["edge_continuation"] = require_number(artifacts, "edge_continuation", in_artifacts);
  if (!require(artifacts, "object_expansion", in_artifacts).is_null()) {
    result.artifact_scores["object_expansion"] = require_number(artifacts, "object_expansion", in_artifacts);
  }
  result.flagged = require_bool(artifacts, "flagged", in_artifacts);
  return result;
}

std::optional<VariantImageRecord> read_variant_record(const std::filesystem::path& path) {
  const auto text = imaging::read_png_text(path);
  const auto found = text.find(kVariantRecordKey);
  if (found == text.end()) return std::nullopt;
  return parse_variant_record(found->second, path.string());
}

}  // namespace backdrop::backgrounds
