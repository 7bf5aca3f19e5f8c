#pragma once
// The studio's settings, stored with QSettings: model paths (checkpoint, ControlNet, optional
// segmenter), device, threads, denoising steps and the output folder, checked before they are saved.

#include <QString>
#include <QStringList>

namespace backdrop::ui {

struct StudioSettings {
  QString checkpoint;   // SD 1.5 checkpoint: a diffusers folder or a single file
  QString controlnet;   // ControlNet (canny) weights
  QString segmenter;    // optional learned segmenter
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
};

}  // namespace backdrop::ui
