#include "core/imaging/segmenter_settings.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {

bool is_onnx_model(const std::filesystem::path& model) {
  std::string extension = model.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".onnx";
}

void validate(const SegmenterSettings& settings) {
  if (!(settings.confidence_threshold >= 0 && settings.confidence_threshold <= 1)) {
    throw ImageError("confidence threshold " + std::to_string(settings.confidence_threshold) + ": expected 0..1");
  }
  if (settings.preset != SegmenterPreset::Custom) return;
  if (settings.custom.size < 16 || settings.custom.size > 4096) {
    throw ImageError("segmenter size " + std::to_string(settings.custom.size) + ": expected 16..4096");
  }
  for (int c = 0; c < 3; ++c) {
    if (!(settings.custom.std[c] > 0)) throw ImageError("segmenter std: every value must be positive");
  }
}

cv::Vec3d parse_channel_values(const std::string& setting, const std::string& text) {
  const auto malformed = [&] {
    return ImageError(setting + " '" + text + "': expected one number or three separated by commas");
  };
  std::vector<double> values;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stod(part, &used));
      if (part.find_first_not_of(" ", used) != std::string::npos) throw malformed();
    } catch (const std::logic_error&) {  // std::stod's invalid_argument and out_of_range
      throw malformed();
    }
  }
  if (values.size() == 1) values.assign(3, values[0]);
  if (values.size() != 3) throw malformed();
  return {values[0], values[1], values[2]};
}

std::string channel_values_text(const cv::Vec3d& values) {
  std::ostringstream out;
  out << values[0] << "," << values[1] << "," << values[2];
  return out.str();
}

}  // namespace backdrop::imaging
