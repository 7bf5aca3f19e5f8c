#include "core/generation/variant_renderer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "core/common/file_write.h"

namespace backdrop {
namespace {

cv::Scalar colour_of(const VariantInputs& inputs) {
  unsigned red = 0, green = 0, blue = 0;
  if (inputs.colour.size() == 7 && inputs.colour[0] == '#' &&
      std::sscanf(inputs.colour.c_str() + 1, "%2x%2x%2x", &red, &green, &blue) == 3) {
    return cv::Scalar(blue, green, red);
  }
  const uint64_t seed = inputs.seed * 0x9E3779B97F4A7C15ull;
  return cv::Scalar(static_cast<double>(seed & 0xff), static_cast<double>((seed >> 8) & 0xff),
                    static_cast<double>((seed >> 16) & 0xff));
}

}  // namespace

void SolidColourRenderer::render(const VariantInputs& inputs, const std::filesystem::path& output,
                                 const CancellationToken& cancel) {
  const auto deadline = std::chrono::steady_clock::now() + work_;
  while (std::chrono::steady_clock::now() < deadline) {
    cancel.throw_if_cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  cancel.throw_if_cancelled();
  const cv::Mat image(inputs.placement.height, inputs.placement.width, CV_8UC3, colour_of(inputs));
  // Encoded in memory and written with every write checked: cv::imwrite reports success for a
  // PNG cut short by a full disk.
  std::vector<uchar> png;
  if (!cv::imencode(".png", image, png)) throw std::runtime_error(output.string() + ": render: cannot encode the PNG");
  write_file(output, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace backdrop
