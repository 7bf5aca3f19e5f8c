#pragma once
// The record a generated variant carries in its PNG: a JSON object under the text key
// "backdrop:variant", written here for `backdrop generate` and for the job queue's renderers alike,
// read back to fill the project's artifact scores and flags. Reading it is kept apart from libtorch
// and Qt so that it is tested and fuzzed on its own: the PNG comes from a cache folder anyone can
// write.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core.hpp>

#include "core/backgrounds/artifact_score.h"

namespace backdrop::backgrounds {

// The PNG text key of a variant's record.
inline constexpr const char* kVariantRecordKey = "backdrop:variant";

// A LoRA fused into the weights that painted a variant.
struct RecordedLora {
  std::string file;  // its file name
  std::string sha256;
  double multiplier = 1.0;
};

// How a variant was made, as its record states it: enough to make it again.
struct VariantProvenance {
  std::string generator;  // "diffusion" or "studio"
  std::string product_id;
  std::string placement;
  std::string prompt_id;  // empty when the prompt has none
  std::string prompt;     // with its placeholders filled
  std::string negative_prompt;
  std::string colour;  // "#rrggbb" or empty
  std::string colour_name;
  uint64_t seed = 0;
  int steps = 0;  // the denoising parameters; 0, empty and 0 for a generator without diffusion
  std::string scheduler;
  double guidance_scale = 0;
  std::string dtype;                // "fp32" or "bf16"; empty for a generator without diffusion
  std::vector<RecordedLora> loras;  // in the record only when there are some
  ArtifactScore artifacts;
};

// The record's JSON (without the engine version write_variant_png() adds).
nlohmann::json to_json(const VariantProvenance& made);

// Writes `image` as PNG with its record and the engine version; the path may lack the .png
// extension (the cache's temporary names). Throws ImageError naming the file.
void write_variant_png(const std::filesystem::path& path, const cv::Mat& image, const VariantProvenance& made);

struct VariantImageRecord {
  std::string generator;
  std::map<std::string, double> artifact_scores;  // as the project stores them
  bool flagged = false;  // core's verdict (score_artifacts' thresholds), taken when it was scored
};

// Reads a record's JSON text; throws imaging::ImageError "<origin>: <key path>: <problem>" for
// text that is not JSON or lacks a field of the right type.
VariantImageRecord parse_variant_record(std::string_view json_text, const std::string& origin);

// The record of a variant PNG; nothing for other PNGs (studio backdrops). Throws
// imaging::ImageError naming the file for a file that is not a readable PNG or a damaged record.
std::optional<VariantImageRecord> read_variant_record(const std::filesystem::path& path);

}  // namespace backdrop::backgrounds
