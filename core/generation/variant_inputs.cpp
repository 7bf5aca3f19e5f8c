#include "core/generation/variant_inputs.h"

#include "core/common/version.h"
#include "core/generation/content_hash_cache.h"
#include "core/store/sha256.h"

namespace backdrop {
namespace {

// Bump when the meaning of a field changes, so that old cache entries stop matching. v2: a
// placement's x, y and scale place the product (v1 keyed them, but renderers ignored them).
constexpr const char* kKeyFormat = "backdrop-variant-key-v2\n";

constexpr std::string_view kSavedMaskPrefix = "file:";

nlohmann::json mask_json(const MaskSettings& mask) {
  return {{"method", mask.method}, {"threshold", mask.threshold}, {"dilate_px", mask.dilate_px},
          {"feather_px", mask.feather_px}};
}

// The canvas and the parts of the product's position the placement sets itself (the layout rule,
// keyed beside it, places the product where the placement does not).
nlohmann::json placement_geometry_json(const Placement& placement) {
  nlohmann::json json = {{"width", placement.width}, {"height", placement.height}};
  const auto& position = placement.position;
  if (position.x) json["x"] = *position.x;
  if (position.y) json["y"] = *position.y;
  if (position.scale) json["scale"] = *position.scale;
  return json;
}

std::optional<double> optional_number(const nlohmann::json& object, const char* key) {
  if (!object.contains(key) || object.at(key).is_null()) return std::nullopt;
  return object.at(key).get<double>();
}

// nlohmann::json objects keep their keys sorted, so dump() of this is canonical.
nlohmann::json pixel_inputs_json(const VariantInputs& inputs) {
  nlohmann::json json = {{"product_image_sha256", inputs.product_image_sha256},
                         {"product_category", inputs.product_category},
                         {"product_title", inputs.product_title},
                         {"mask", mask_json(inputs.mask)},
                         {"placement", placement_geometry_json(inputs.placement)},
                         {"layout", imaging::to_json(inputs.layout)},
                         {"prompt", inputs.prompt},
                         {"negative_prompt", inputs.negative_prompt},
                         {"colour", inputs.colour},
                         {"seed", inputs.seed},
                         {"steps", inputs.steps},
                         {"scheduler", inputs.scheduler},
                         {"guidance_scale", inputs.guidance_scale},
                         {"model_sha256", inputs.model_sha256},
                         {"controlnet_sha256", inputs.controlnet_sha256},
                         {"engine_version", inputs.engine_version}};
  for (const auto& lora : inputs.loras) {
    json["loras"].push_back({{"sha256", lora.sha256}, {"multiplier", lora.multiplier}});
  }
  if (inputs.edge_thresholds) json["edge_thresholds"] = {inputs.edge_thresholds->first, inputs.edge_thresholds->second};
  // bf16 paints other pixels than fp32; keys of fp32 variants stay what they were before dtypes.
  if (inputs.dtype != "fp32") json["dtype"] = inputs.dtype;
  return json;
}

}  // namespace

std::string saved_mask_method(const std::filesystem::path& mask_file) {
  return std::string(kSavedMaskPrefix) + file_content_sha256(mask_file).substr(0, 16);
}

bool planned_with_saved_mask(const MaskSettings& mask) {
  return mask.method.starts_with(kSavedMaskPrefix);
}

VariantLora variant_lora(const std::filesystem::path& file, double multiplier) {
  return {file_content_sha256(file), multiplier};
}

VariantInputs make_variant_inputs() {
  VariantInputs inputs;
  inputs.engine_version = kEngineVersion;
  return inputs;
}

nlohmann::json to_json(const VariantInputs& inputs) {
  auto json = pixel_inputs_json(inputs);
  json["product_id"] = inputs.product_id;
  json["product_image_path"] = inputs.product_image_path;
  json["prompt_id"] = inputs.prompt_id ? nlohmann::json(*inputs.prompt_id) : nlohmann::json(nullptr);
  json["placement"]["name"] = inputs.placement.name;
  return json;
}

VariantInputs variant_inputs_from_json(const nlohmann::json& json) {
  VariantInputs inputs;
  inputs.product_id = json.at("product_id").get<std::string>();
  inputs.product_image_path = json.at("product_image_path").get<std::string>();
  // Absent from tasks queued before they were carried.
  inputs.product_category = json.value("product_category", std::string());
  inputs.product_title = json.value("product_title", std::string());
  if (!json.at("prompt_id").is_null()) inputs.prompt_id = json.at("prompt_id").get<int64_t>();
  inputs.product_image_sha256 = json.at("product_image_sha256").get<std::string>();
  const auto& mask = json.at("mask");
  inputs.mask = {mask.at("method").get<std::string>(), mask.at("threshold").get<double>(),
                 mask.at("dilate_px").get<int>(), mask.at("feather_px").get<int>()};
  const auto& placement = json.at("placement");
  inputs.placement = {0, placement.at("name").get<std::string>(), placement.at("width").get<int>(),
                      placement.at("height").get<int>()};
  // Inputs written before variants carried their layout rule (key format v1) were placed by the
  // built-in rule, and their x, y and scale were ignored: read them as they were rendered.
  if (json.contains("layout")) {
    inputs.layout = imaging::layout_rule_from_json(json.at("layout"), "variant inputs: layout");
    inputs.placement.position = {optional_number(placement, "x"), optional_number(placement, "y"),
                                 optional_number(placement, "scale")};
  }
  inputs.prompt = json.at("prompt").get<std::string>();
  inputs.negative_prompt = json.at("negative_prompt").get<std::string>();
  inputs.colour = json.at("colour").get<std::string>();
  inputs.seed = json.at("seed").get<uint64_t>();
  inputs.steps = json.at("steps").get<int>();
  inputs.scheduler = json.at("scheduler").get<std::string>();
  inputs.guidance_scale = json.at("guidance_scale").get<double>();
  inputs.model_sha256 = json.at("model_sha256").get<std::string>();
  inputs.controlnet_sha256 = json.at("controlnet_sha256").get<std::string>();
  if (json.contains("edge_thresholds")) {
    const auto& thresholds = json.at("edge_thresholds");
    inputs.edge_thresholds = {thresholds.at(0).get<double>(), thresholds.at(1).get<double>()};
  }
  for (const auto& lora : json.value("loras", nlohmann::json::array())) {
    inputs.loras.push_back({lora.at("sha256").get<std::string>(), lora.at("multiplier").get<double>()});
  }
  inputs.dtype = json.value("dtype", "fp32");
  inputs.engine_version = json.at("engine_version").get<std::string>();
  return inputs;
}

std::string variant_key_material(const VariantInputs& inputs) {
  return kKeyFormat + pixel_inputs_json(inputs).dump();
}

std::string variant_key(const VariantInputs& inputs) { return sha256_hex(variant_key_material(inputs)); }

}  // namespace backdrop
