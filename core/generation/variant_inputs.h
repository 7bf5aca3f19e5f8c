#pragma once
// Everything that goes into one generated variant, and its content-addressed key.
//
// The key is SHA-256 over a canonical serialisation of exactly the inputs that change pixels:
// product image bytes (by hash), the product's category and title (the prompt's placeholders),
// mask settings, the placement's canvas and the product position it sets, the category's layout
// rule (which places the product where the placement does not), prompt, negative prompt, colour,
// the product's tuned edge thresholds, seed, steps, scheduler, guidance, model and ControlNet file
// hashes, the LoRAs' content hashes and multipliers (LoRAs, thresholds and a position are absent
// from the key material when there are none) and the engine version. Names and row ids (product
// id, placement name, prompt id) are provenance only: renaming a placement must not invalidate a
// cache. Two runs that would draw the same pixels share a key.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/backgrounds/generation_recipe.h"
#include "core/imaging/layout_rules.h"
#include "core/store/placement_repository.h"

namespace backdrop {

struct MaskSettings {
  std::string method = "alpha";  // how the product is cut out: "alpha", "threshold" ... or a saved mask
  double threshold = 0.5;
  int dilate_px = 0;
  int feather_px = 0;
};

// A hand-fixed or prepared mask is a pixel input: the method of a product cut out by its saved mask
// file is "file:" and the first 16 hex digits of the file's content hash (through the content hash
// cache), so fixing one product's mask gives new keys for that product only, and preparing an
// unchanged mask again keeps them. Throws StoreError naming a file that cannot be read.
std::string saved_mask_method(const std::filesystem::path& mask_file);
// Whether the product was planned to be cut out by its saved mask file (saved_mask_method()).
bool planned_with_saved_mask(const MaskSettings& mask);

// A LoRA fused into the weights: the SHA-256 of its file's content and its multiplier.
struct VariantLora {
  std::string sha256;
  double multiplier = 1.0;
  bool operator==(const VariantLora&) const = default;
};

// The file's content hash, through the content hash cache (throws StoreError naming an unreadable
// file).
VariantLora variant_lora(const std::filesystem::path& file, double multiplier);

struct VariantInputs {
  // Provenance: where the inputs came from. Not part of the key.
  std::string product_id;
  std::string product_image_path;
  std::optional<int64_t> prompt_id;

  // Pixel inputs: all of them are part of the key.
  // What the prompt's placeholders fill in, carried with the task so that a worker without the
  // project file renders as the Studio does.
  std::string product_category;
  std::string product_title;
  std::string product_image_sha256;
  MaskSettings mask;
  Placement placement;  // its id and name are provenance
  // The category's layout rule, resolved when the variant is planned, so that every machine places
  // the product as the planning installation's rules say (and editing the rules changes the key).
  imaging::LayoutRule layout;
  std::string prompt;
  std::string negative_prompt;
  std::string colour;  // "#rrggbb" or empty
  // The product's tuned Canny thresholds (low, high) for the edge map; unset: automatic. In the
  // key only when set, so a product nobody tuned keeps its keys.
  std::optional<std::pair<double, double>> edge_thresholds;
  uint64_t seed = 0;
  int steps = backgrounds::kDefaultSteps;
  std::string scheduler = backgrounds::kDefaultScheduler;
  double guidance_scale = backgrounds::kDefaultGuidanceScale;
  std::string model_sha256;
  std::string controlnet_sha256;
  std::vector<VariantLora> loras;  // in the order they are fused
  std::string dtype = "fp32";      // what the models compute in; keyed only when not fp32
  std::string engine_version;  // kEngineVersion unless a test says otherwise
};

// A VariantInputs with the engine version of this build filled in.
VariantInputs make_variant_inputs();

// Complete serialisation (provenance included), as stored with jobs and variants.
nlohmann::json to_json(const VariantInputs& inputs);
// Throws nlohmann::json::exception when a field is missing or has the wrong type, ImageError for a
// layout rule out of range.
VariantInputs variant_inputs_from_json(const nlohmann::json& json);

// The canonical byte string the key hashes: a versioned prefix and compact JSON with sorted keys
// of the pixel inputs only.
std::string variant_key_material(const VariantInputs& inputs);
// Lowercase hex SHA-256 of variant_key_material().
std::string variant_key(const VariantInputs& inputs);

}  // namespace backdrop
