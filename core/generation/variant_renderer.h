#pragma once
// The work of one generation task, injected into the job runner: the diffusion pipeline in
// production, a trivial deterministic renderer in tests and benchmarks.

#include <chrono>
#include <filesystem>

#include "core/common/cancellation.h"
#include "core/generation/variant_inputs.h"

namespace backdrop {

class VariantRenderer {
 public:
  virtual ~VariantRenderer() = default;
  // Writes the variant's image as PNG to `output` (a temporary name; the cache publishes it).
  // Called from several worker threads at once. Throws Cancelled when `cancel` fires.
  virtual void render(const VariantInputs& inputs, const std::filesystem::path& output,
                      const CancellationToken& cancel) = 0;
  // How many variants it paints at once, 0 for any number: the job runner starts no more worker
  // threads than that (a thread waiting for the renderer would hold a claimed task for nothing).
  virtual int max_parallel_renders() const { return 0; }
};

// Fills the placement's canvas with the variant's colour (or one derived from the seed): the same
// inputs always give the same bytes. `work` simulates render time, checked for cancellation.
class SolidColourRenderer : public VariantRenderer {
 public:
  explicit SolidColourRenderer(std::chrono::milliseconds work = std::chrono::milliseconds(0)) : work_(work) {}
  void render(const VariantInputs& inputs, const std::filesystem::path& output,
              const CancellationToken& cancel) override;

 private:
  std::chrono::milliseconds work_;
};

}  // namespace backdrop
