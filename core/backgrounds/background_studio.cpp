#include <chrono>

#include "core/backgrounds/background_generator.h"
#include "core/imaging/compositing.h"
#include "core/imaging/studio_backdrop.h"

namespace backdrop::backgrounds {

GeneratedBackground StudioBackgroundGenerator::generate(const BackgroundRequest& request,
                                                        const StepCallback& on_step) const {
  const auto start = std::chrono::steady_clock::now();
  imaging::StudioOptions studio;
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
