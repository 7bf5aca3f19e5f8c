#pragma once
// What the compare view can show of a variant: the generated output, the product mask placed on
// the variant's canvas (tinted over the output), or the ControlNet edge map the generator is
// conditioned on (Canny edges of the placed product, with the thresholds the variant was planned with).
// Computed on worker threads: loading and placing the photo takes a moment.

#include <QImage>
#include <QString>
#include <filesystem>

namespace backdrop {
struct StoredVariant;
}

namespace backdrop::ui {

enum class CompareLayer { output, mask, edges };

struct VariantLayers {
  QImage output;
  QImage mask;   // the output with the product mask tinted over it
  QImage edges;  // white edges on black, as ControlNet sees them
  QString problem;  // why the mask and edges could not be made (they are then null)

  const QImage& layer(CompareLayer which) const;
};

// The variant's product placed as it was rendered (its planned inputs), and its edge map drawn with
// the thresholds it was planned with (none: automatic, as the generator does).
VariantLayers load_variant_layers(const StoredVariant& variant, const std::filesystem::path& cache_dir);

}  // namespace backdrop::ui
