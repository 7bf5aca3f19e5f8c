#include "ui/studio_settings.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QThread>

#include "core/common/login_name.h"
#include "core/preparation/project_segmentation.h"

namespace backdrop::ui {
namespace {

constexpr int kMaxSteps = 150;

}  // namespace

StudioSettings StudioSettings::load() {
  QSettings settings;
  StudioSettings s;
  s.checkpoint = settings.value("models/checkpoint").toString();
  s.controlnet = settings.value("models/controlnet").toString();
  s.segmenter = settings.value("models/segmenter").toString();
  s.segmenterPreset = settings.value("segmentation/preset", s.segmenterPreset).toString();
  s.segmenterSize = settings.value("segmentation/size", s.segmenterSize).toInt();
  s.segmenterMean = settings.value("segmentation/mean", s.segmenterMean).toString();
  s.segmenterStd = settings.value("segmentation/std", s.segmenterStd).toString();
  s.confidenceThreshold = settings.value("segmentation/confidenceThreshold", s.confidenceThreshold).toDouble();
  s.device = settings.value("engine/device", "cpu").toString();
  s.threads = settings.value("engine/threads", 0).toInt();
  s.dtype = settings.value("engine/dtype", s.dtype).toString();
  const auto names = backgrounds::generation_recipe_names();
  const auto recipe = settings.value("engine/recipe", s.recipe).toString().toStdString();
  // A recipe this version does not know (a newer one wrote it) leaves the default.
  if (std::find(names.begin(), names.end(), recipe) != names.end()) s.recipe = QString::fromStdString(recipe);
  s.steps = settings.value("engine/steps", s.steps).toInt();
  // An entry that does not parse (edited by hand) is dropped here, so that a run never meets it.
  for (const QString& lora : settings.value("models/loras").toStringList()) {
    try {
      models::parse_lora_spec(lora.toStdString());
      s.loras << lora;
    } catch (const models::LoraError& error) {
      qWarning("Settings: LoRA %s ignored: %s", qPrintable(lora), error.what());
    }
  }
  s.outputFolder = settings.value("output/folder").toString();
  s.yourName = settings.value("identity/name").toString();
  s.autoAdvance = settings.value("review/autoAdvance", s.autoAdvance).toBool();
  return s;
}

void StudioSettings::save() const {
  QSettings settings;
  settings.setValue("models/checkpoint", checkpoint);
  settings.setValue("models/controlnet", controlnet);
  settings.setValue("models/segmenter", segmenter);
  settings.setValue("segmentation/preset", segmenterPreset);
  settings.setValue("segmentation/size", segmenterSize);
  settings.setValue("segmentation/mean", segmenterMean);
  settings.setValue("segmentation/std", segmenterStd);
  settings.setValue("segmentation/confidenceThreshold", confidenceThreshold);
  settings.setValue("engine/device", device);
  settings.setValue("engine/threads", threads);
  settings.setValue("engine/dtype", dtype);
  settings.setValue("engine/recipe", recipe);
  settings.setValue("engine/steps", steps);
  settings.setValue("models/loras", loras);
  settings.setValue("output/folder", outputFolder);
  settings.setValue("identity/name", yourName.trimmed());
  settings.setValue("review/autoAdvance", autoAdvance);
}

std::vector<models::LoraSpec> StudioSettings::loraSpecs() const {
  std::vector<models::LoraSpec> specs;
  for (const QString& lora : loras) specs.push_back(models::parse_lora_spec(lora.toStdString()));
  return specs;
}

std::string StudioSettings::reviewer() const {
  const QString name = yourName.trimmed();
  return name.isEmpty() ? login_name() : name.toStdString();
}

QStringList StudioSettings::problems() const {
  QStringList problems;
  auto checkPath = [&](const QString& path, const QString& what) {
    if (!path.isEmpty() && !QFileInfo::exists(path)) problems << QObject::tr("%1: %2 does not exist.").arg(what, path);
  };
  checkPath(checkpoint, QObject::tr("Checkpoint"));
  checkPath(controlnet, QObject::tr("ControlNet"));
  checkPath(segmenter, QObject::tr("Segmenter"));
  if (checkpoint.isEmpty() != controlnet.isEmpty()) {
    problems << QObject::tr("Set both the checkpoint and the ControlNet, or neither (studio backdrops only).");
  }
  if (!QRegularExpression("^(cpu|cuda:[0-9]+)$").match(device).hasMatch()) {
    problems << QObject::tr("Device must be \"cpu\" or \"cuda:N\", not \"%1\".").arg(device);
  }
  if (threads < 0 || threads > 4 * QThread::idealThreadCount()) {
    problems << QObject::tr("Threads must be between 0 (all cores) and %1.").arg(4 * QThread::idealThreadCount());
  }
  try {
    imaging::validate(segmenterSettings());
  } catch (const std::exception& error) {
    problems << QObject::tr("Segmentation: %1.").arg(QString::fromStdString(error.what()));
  }
  try {
    backgrounds::find_generation_recipe(recipe.toStdString());
  } catch (const std::exception& error) {
    problems << QObject::tr("Recipe: %1.").arg(QString::fromStdString(error.what()));
  }
  if (dtype != "fp32" && dtype != "bf16" && dtype != "auto") {
    problems << QObject::tr("Precision must be fp32, bf16 or auto, not \"%1\".").arg(dtype);
  }
  if (steps < 1 || steps > kMaxSteps) problems << QObject::tr("Steps must be between 1 and %1.").arg(kMaxSteps);
  for (const QString& lora : loras) {
    try {
      const auto spec = models::parse_lora_spec(lora.toStdString());
      if (!QFileInfo::exists(QString::fromStdString(spec.path.string()))) {
        problems << QObject::tr("LoRA %1 does not exist.").arg(QString::fromStdString(spec.path.string()));
      }
    } catch (const std::exception& error) {
      problems << QObject::tr("LoRA %1: %2.").arg(lora, QString::fromStdString(error.what()));
    }
  }
  if (!loras.isEmpty() && checkpoint.isEmpty()) problems << QObject::tr("LoRAs need a checkpoint to be fused into.");
  if (!outputFolder.isEmpty()) {
    const QFileInfo folder(outputFolder);
    if (!folder.isDir() || !folder.isWritable()) problems << QObject::tr("Output folder %1 is not a writable folder.").arg(outputFolder);
  }
  return problems;
}

bool StudioSettings::hasDiffusionWeights() const {
  return !checkpoint.isEmpty() && !controlnet.isEmpty() && QFileInfo::exists(checkpoint) && QFileInfo::exists(controlnet);
}

imaging::SegmenterSettings StudioSettings::segmenterSettings() const {
  imaging::SegmenterSettings settings;
  settings.model = segmenter.toStdString();
  settings.preset = imaging::preset_from_name(segmenterPreset.toStdString());
  settings.custom = {segmenterSize, imaging::parse_channel_values("segmenter mean", segmenterMean.toStdString()),
                     imaging::parse_channel_values("segmenter std", segmenterStd.toStdString())};
  settings.confidence_threshold = confidenceThreshold;
  settings.device = device.toStdString();
  return settings;
}

void StudioSettings::setSegmenterSettings(const imaging::SegmenterSettings& settings) {
  segmenter = QString::fromStdString(settings.model.string());
  segmenterPreset = QString::fromStdString(imaging::preset_name(settings.preset));
  segmenterSize = settings.custom.size;
  segmenterMean = QString::fromStdString(imaging::channel_values_text(settings.custom.mean));
  segmenterStd = QString::fromStdString(imaging::channel_values_text(settings.custom.std));
  confidenceThreshold = settings.confidence_threshold;
}

imaging::SegmenterSettings projectSegmenterSettings(Project& project) {
  SegmenterOverrides machine;
  machine.device = StudioSettings::load().device.toStdString();
  return resolve_segmenter_settings(project, machine);
}

}  // namespace backdrop::ui
