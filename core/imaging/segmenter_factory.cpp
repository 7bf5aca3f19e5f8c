#include "core/imaging/segmenter_factory.h"

#include "core/imaging/learned_segmenter.h"

namespace backdrop::imaging {

std::unique_ptr<Segmenter> open_learned_segmenter(const SegmenterSettings& settings) {
  if (settings.model.empty()) return nullptr;
  validate(settings);
  if (is_onnx_model(settings.model)) {
    return std::make_unique<OnnxSegmenter>(OnnxSegmenterOptions{settings.model, settings.preset, settings.custom});
  }
  LearnedSegmenterOptions options;
  options.model = settings.model;
  options.device = settings.device;
  options.convention =
      settings.preset == SegmenterPreset::Custom ? settings.custom : preset_convention(settings.preset);
  return std::make_unique<LearnedSegmenter>(options);
}

}  // namespace backdrop::imaging
