#include "ui/variant_layers.h"

#include <QPainter>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "core/generation/variant_inputs.h"
#include "core/imaging/edge_map.h"
#include "core/store/variant_repository.h"
#include "ui/image_conversion.h"
#include "core/rendering/variant_rendering.h"

namespace backdrop::ui {
namespace {

const QColor kMaskTint(230, 40, 120, 120);

QImage tintMask(const QImage& output, const cv::Mat& mask) {
  QImage tinted = output.convertToFormat(QImage::Format_ARGB32);
  QImage overlay(mask.cols, mask.rows, QImage::Format_ARGB32);
  overlay.fill(Qt::transparent);
  for (int y = 0; y < mask.rows; ++y) {
    const uchar* row = mask.ptr<uchar>(y);
    auto* pixels = reinterpret_cast<QRgb*>(overlay.scanLine(y));
    for (int x = 0; x < mask.cols; ++x) {
      if (row[x] != 0) pixels[x] = kMaskTint.rgba();
    }
  }
  QPainter painter(&tinted);
  // The placed mask has the canvas's size; an output of another size (e.g. a diffusion model's
  // resolution) gets the mask scaled onto it.
  painter.drawImage(tinted.rect(), overlay);
  return tinted;
}

}  // namespace

const QImage& VariantLayers::layer(CompareLayer which) const {
  switch (which) {
    case CompareLayer::mask: return mask;
    case CompareLayer::edges: return edges;
    default: return output;
  }
}

VariantLayers load_variant_layers(const StoredVariant& variant, const std::filesystem::path& cache_dir) {
  VariantLayers layers;
  layers.output = QImage(QString::fromStdString((cache_dir / variant.image_path).string()));
  try {
    const auto inputs = variant_inputs_from_json(nlohmann::json::parse(variant.inputs_json));
    const auto placed = place_variant_product(inputs, cache_dir);
    imaging::EdgeMapOptions options;
    if (inputs.edge_thresholds) {
      options.low_threshold = inputs.edge_thresholds->first;
      options.high_threshold = inputs.edge_thresholds->second;
    }
    layers.edges = toQImage(imaging::edge_map(placed.product, placed.mask, options));
    layers.mask = tintMask(layers.output.isNull() ? toQImage(placed.product) : layers.output, placed.mask);
  } catch (const std::exception& error) {
    layers.problem = QString::fromStdString(error.what());
  }
  return layers;
}

}  // namespace backdrop::ui
