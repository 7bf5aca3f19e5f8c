#pragma once
// The record a generated variant carries in its PNG: a JSON object under the text key
// "backdrop:variant", written by `backdrop generate` and by the Studio's generation queue, read
// back to fill the project's artifact scores and flags. Reading it is kept apart from libtorch and
// Qt so that it is tested and fuzzed on its own: the PNG comes from a cache folder anyone can write.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace backdrop::backgrounds {

// The PNG text key of a variant's record.
inline constexpr const char* kVariantRecordKey = "backdrop:variant";

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
