#include <array>
#include <chrono>

#include "core/backgrounds/background_generator.h"
#include "core/imaging/compositing.h"
#include "core/imaging/studio_backdrop.h"

namespace backdrop::backgrounds {
namespace {

// Without a colour the seed picks one of these soft tones that flatter most products (BGR), so
// that a variant's seeds give different backdrops; seed 0 is the plain light grey.
cv::Vec3b studio_tone(uint64_t seed) {
  static constexpr std::array<std::array<uchar, 3>, 6> kTones{{
      {235, 235, 235}, {214, 228, 240}, {229, 222, 206}, {206, 225, 214}, {232, 214, 226}, {196, 208, 222}}};
  const auto& tone = kTones[seed % kTones.size()];
  return {tone[0], tone[1], tone[2]};
}

}  // namespace

GeneratedBackground StudioBackgroundGenerator::generate(const BackgroundRequest& request,
                                                        const StepCallback& on_step) const {
  const auto start = std::chrono::steady_clock::now();
  imaging::StudioOptions studio;
  studio.colour = studio_tone(request.seed);
  if (request.colour) {
    studio.colour = request.colour->bgr;
    studio.gradient = request.colour->gradient;
  }
  GeneratedBackground out;
  out.generated = imaging::render_backdrop(request.placed->product.size(), studio);
  out.composited = imaging::render_studio_backdrop(*request.placed, studio);
  out.times.preparation = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (on_step) on_step(1, 1);
  return out;
}

}  // namespace backdrop::backgrounds
