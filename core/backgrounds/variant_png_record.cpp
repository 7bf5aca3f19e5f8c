#include "core/backgrounds/variant_png_record.h"

#include <nlohmann/json.hpp>

#include "core/common/json_where.h"
#include "core/common/version.h"
#include "core/imaging/image_error.h"
#include "core/imaging/png_text.h"

namespace backdrop::backgrounds {

namespace {

// Every field but the optional ones.
nlohmann::json required_fields(const VariantProvenance& made) {
  const auto& score = made.artifacts;
  const nlohmann::json artifacts{
      {"edge_continuation", score.edge_continuation},
      {"object_expansion", score.object_expansion ? nlohmann::json(*score.object_expansion) : nlohmann::json(nullptr)},
      {"flagged", score.flagged},
      {"reason", score.reason}};
  return {{"generator", made.generator},
          {"product_id", made.product_id},
          {"placement", made.placement},
          {"prompt_id", made.prompt_id},
          {"prompt", made.prompt},
          {"negative_prompt", made.negative_prompt},
          {"colour", made.colour},
          {"colour_name", made.colour_name},
          {"seed", made.seed},
          {"steps", made.steps},
          {"scheduler", made.scheduler},
          {"guidance_scale", made.guidance_scale},
          {"artifacts", artifacts}};
}

}  // namespace

nlohmann::json to_json(const VariantProvenance& made) {
  auto record = required_fields(made);
  if (!made.dtype.empty()) record["dtype"] = made.dtype;
  for (const auto& lora : made.loras) {
    record["loras"].push_back({{"file", lora.file}, {"sha256", lora.sha256}, {"multiplier", lora.multiplier}});
  }
  return record;
}

void write_variant_png(const std::filesystem::path& path, const cv::Mat& image, const VariantProvenance& made) {
  auto record = to_json(made);
  record["engine_version"] = kEngineVersion;
  imaging::write_png_with_text(path, image,
                               {{kVariantRecordKey, record.dump()}, {"Software", std::string("Backdrop ") + kEngineVersion}});
}

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
