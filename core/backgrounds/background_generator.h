#pragma once
// Who paints the background of a variant: Stable Diffusion inpainting with a ControlNet on the
// product's edges (when weights are configured), or the studio backdrop (no weights needed).
// Both return the image before paste-back (for the artifact score) and after it.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "core/backgrounds/background_canvas.h"
#include "core/backgrounds/generation_recipe.h"
#include "core/imaging/placement.h"
#include "models/loaders/lora_spec.h"

namespace backdrop::backgrounds {

struct BackgroundRequest {
  const imaging::PlacedProduct* placed = nullptr;
  std::string prompt;
  std::string negative_prompt;
  std::optional<BackgroundColour> colour;
  uint64_t seed = 0;
  // The product's Canny thresholds (low, high) for the ControlNet's edge map, as tuned in the
  // Studio's edge view; unset: chosen from the product's median (imaging/edge_map.h).
  std::optional<std::pair<double, double>> edge_thresholds;
};

// Seconds spent in each stage of one variant.
struct StageTimes {
  double preparation = 0;  // canvas, masks, edge map, tensors
  double encoding = 0;     // text encoder and VAE encoder (and the random draws)
  double denoising = 0;
  double decoding = 0;
  double scoring = 0;      // filled by the caller
};

struct GeneratedBackground {
  cv::Mat generated;   // CV_8UC3 canvas size, before paste-back
  cv::Mat composited;  // the product's own pixels pasted back with the soft edge
  StageTimes times;
};

// Called after every denoising step: (step, total).
using StepCallback = std::function<void(int64_t, int64_t)>;

// What a generator denoises with; zero and empty for one without diffusion.
struct DenoisingParameters {
  int steps = 0;
  std::string scheduler;  // empty: the model's own
  double guidance_scale = 0;
  std::string dtype;  // what the models compute in: "fp32" or "bf16"
  bool operator==(const DenoisingParameters&) const = default;
};

class BackgroundGenerator {
 public:
  virtual ~BackgroundGenerator() = default;
  virtual std::string name() const = 0;  // "diffusion" or "studio"
  virtual bool uses_diffusion() const = 0;
  virtual DenoisingParameters denoising() const { return {}; }
  // The LoRAs fused into its weights, in order; none for a generator without diffusion.
  virtual std::vector<models::LoraSpec> loras() const { return {}; }
  // Throws backdrop's Cancelled-like exceptions from the engine when cancelled.
  virtual GeneratedBackground generate(const BackgroundRequest& request, const StepCallback& on_step) const = 0;
};

// The studio backdrop in the variant's colour; without one, a soft tone picked by the seed (seed 0:
// a light grey). Ignores the prompt.
class StudioBackgroundGenerator : public BackgroundGenerator {
 public:
  std::string name() const override { return "studio"; }
  bool uses_diffusion() const override { return false; }
  GeneratedBackground generate(const BackgroundRequest& request, const StepCallback& on_step) const override;
};

struct DiffusionSettings {
  std::filesystem::path model;       // diffusers folder or single-file checkpoint
  std::filesystem::path controlnet;  // optional: ControlNet (canny) folder or file
  std::filesystem::path tokenizer;   // optional, for single-file checkpoints
  std::vector<models::LoraSpec> loras;  // fused into the UNet and text encoder, in order
  std::string device = "cpu";
  // What the models compute in: "fp32", "bf16" or "auto" (bf16 on a CPU with AVX512-BF16 or AMX,
  // fp32 elsewhere); resolved_dtype() says which. Product pixels are pasted back either way.
  std::string dtype = "fp32";
  int steps = kDefaultSteps;
  std::string scheduler;             // empty: the model's own
  double guidance_scale = kDefaultGuidanceScale;
  double controlnet_scale = 1.0;
  double control_guidance_end = 1.0;
  double colour_strength = 0.85;     // img2img strength of colour-conditioned variants
  int max_side = 0;                  // > 0: generate at most this many pixels on the long side
  ArtifactReduction reduction;
};

// The CLIP vocabulary Backdrop ships (share/backdrop/clip_tokenizer, or $BACKDROP_CLIP_MERGES
// naming its merges.txt): the tokenizer of single-file checkpoints. Empty when not found.
std::optional<std::filesystem::path> bundled_clip_tokenizer();

// "fp32" or "bf16": what `settings.dtype` means on this machine for its device. Throws
// std::invalid_argument naming a value other than fp32, bf16 or auto.
std::string resolved_dtype(const DiffusionSettings& settings);

// Opens the models once; generate() may be called for many variants (not concurrently).
std::unique_ptr<BackgroundGenerator> make_diffusion_generator(const DiffusionSettings& settings);

}  // namespace backdrop::backgrounds
