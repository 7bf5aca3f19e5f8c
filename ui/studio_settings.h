#pragma once
// The studio's settings, stored with QSettings: model paths (checkpoint, ControlNet, optional
// segmenter with its input preset), the mask confidence threshold, device, threads, denoising steps
// and the output folder, checked before they are saved.

#include <QString>
#include <QStringList>

#include "core/imaging/segmenter_settings.h"

namespace backdrop::ui {

struct StudioSettings {
  QString checkpoint;                 // SD 1.5 checkpoint: a diffusers folder or a single file
  QString controlnet;                 // ControlNet (canny) weights
  QString segmenter;                  // optional learned segmenter: an ONNX file, or TorchScript
  QString segmenterPreset = "u2net";  // u2net, rmbg or custom
  int segmenterSize = 320;            // custom preset only
  QString segmenterMean = "0.485,0.456,0.406";
  QString segmenterStd = "0.229,0.224,0.225";
  double confidenceThreshold = imaging::kDefaultConfidenceThreshold;
  QString device = "cpu";  // "cpu" or "cuda:N"
  int threads = 0;         // 0: all cores
  int steps = 20;          // denoising steps of a diffusion variant
  QString outputFolder;

  static StudioSettings load();
  void save() const;
  // Clear, user-facing messages; empty when the settings can be saved.
  QStringList problems() const;
  // Diffusion needs both weights; without them the studio makes studio-backdrop variants.
  bool hasDiffusionWeights() const;
  // The segmentation choices as core takes them; throws ImageError for malformed values.
  imaging::SegmenterSettings segmenterSettings() const;
};

}  // namespace backdrop::ui
