#pragma once
// The studio's settings, stored with QSettings: model paths (checkpoint, ControlNet, optional
// segmenter with its input preset), the mask confidence threshold, device, threads, denoising steps
// and the output folder, checked before they are saved. The segmentation values here are the
// defaults given to new projects; an open project's own values (core/preparation/
// project_segmentation.h) are what its runs use, and the Settings dialog edits those.

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "core/backgrounds/generation_recipe.h"
#include "core/imaging/segmenter_settings.h"
#include "models/loaders/lora_spec.h"

namespace backdrop {
class Project;
}

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
  QString dtype = "fp32";  // what diffusion computes in: "fp32", "bf16" or "auto" (core's resolved_dtype())
  int threads = 0;         // 0: all cores
  QString recipe = "standard";  // a sampling recipe of core (scheduler, guidance; its steps preset `steps`)
  QStringList loras;            // "FILE" or "FILE:multiplier", fused in order, as the CLI's --lora
  int steps = backgrounds::kDefaultSteps;  // denoising steps of a diffusion variant
  QString outputFolder;
  QString yourName;  // recorded with every review and approval; empty: the login name
  bool autoAdvance = true;  // the review moves to the next variant after a decision (View menu)

  static StudioSettings load();
  void save() const;
  // Clear, user-facing messages; empty when the settings can be saved.
  QStringList problems() const;
  // Who reviews and approves in this Studio: `yourName`, else the login name (as the CLI's
  // --reviewer defaults to).
  std::string reviewer() const;
  // The LoRAs as core takes them; throws models::LoraError for a malformed entry (load() drops those).
  std::vector<models::LoraSpec> loraSpecs() const;
  // Diffusion needs both weights; without them the studio makes studio-backdrop variants.
  bool hasDiffusionWeights() const;
  // The segmentation choices as core takes them; throws ImageError for malformed values.
  imaging::SegmenterSettings segmenterSettings() const;
  // The segmentation fields from `settings` (a project's), device excepted.
  void setSegmenterSettings(const imaging::SegmenterSettings& settings);
};

// What the Studio segments the products of `project` with: the project's settings (the same ones
// `backdrop prepare --project` reads), run on this machine's device. Throws StoreError for a
// malformed stored value.
imaging::SegmenterSettings projectSegmenterSettings(Project& project);

}  // namespace backdrop::ui
