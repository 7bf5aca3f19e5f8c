#include "ui/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "core/common/login_name.h"
#include "core/preparation/project_segmentation.h"

namespace backdrop::ui {

SettingsDialog::SettingsDialog(QWidget* parent, Project* project) : QDialog(parent), project_(project) {
  setObjectName("settingsDialog");
  setWindowTitle(tr("Settings"));
  StudioSettings current = StudioSettings::load();
  QString segmentationProblem;
  if (project_ != nullptr) {
    try {
      current.setSegmenterSettings(load_segmenter_settings(*project_));
    } catch (const std::exception& error) {  // Save writes valid values over the malformed ones
      segmentationProblem = QString::fromStdString(error.what());
    }
  }
  checkpoint_ = pathField("checkpointPath", false);
  controlnet_ = pathField("controlnetPath", false);
  segmenter_ = pathField("segmenterPath", false);
  output_ = pathField("outputFolder", true);
  device_ = new QLineEdit(current.device);
  device_->setObjectName("device");
  threads_ = new QSpinBox;
  threads_->setObjectName("threads");
  threads_->setRange(0, 1024);
  threads_->setSpecialValueText(tr("all cores"));
  steps_ = new QSpinBox;
  steps_->setObjectName("steps");
  steps_->setRange(0, 1000);  // out-of-range values are refused on Save with a message
  checkpoint_->setText(current.checkpoint);
  controlnet_->setText(current.controlnet);
  segmenter_->setText(current.segmenter);
  output_->setText(current.outputFolder);
  threads_->setValue(current.threads);
  steps_->setValue(current.steps);
  recipe_ = new QComboBox;
  recipe_->setObjectName("recipe");
  for (const auto& recipe : backgrounds::generation_recipes()) {
    recipe_->addItem(QString::fromStdString(recipe.label), QString::fromStdString(recipe.name));
    if (!recipe.requirement.empty()) {
      recipe_->setItemData(recipe_->count() - 1, tr("Needs %1.").arg(QString::fromStdString(recipe.requirement)),
                           Qt::ToolTipRole);
    }
  }
  recipe_->setCurrentIndex(std::max(0, recipe_->findData(current.recipe)));
  // Picking a recipe presets its step count; the steps can still be changed after it.
  connect(recipe_, &QComboBox::activated, this, [this] {
    steps_->setValue(backgrounds::find_generation_recipe(recipe_->currentData().toString().toStdString()).steps);
  });
  dtype_ = new QComboBox;
  dtype_->setObjectName("dtype");
  dtype_->addItem(tr("fp32 (exact, slower)"), "fp32");
  dtype_->addItem(tr("bf16 (about twice as fast on CPUs with AVX512-BF16 or AMX)"), "bf16");
  dtype_->addItem(tr("Automatic (bf16 where the CPU computes it natively)"), "auto");
  dtype_->setCurrentIndex(std::max(0, dtype_->findData(current.dtype)));
  yourName_ = new QLineEdit(current.yourName);
  yourName_->setObjectName("yourName");
  yourName_->setPlaceholderText(QString::fromStdString(login_name()));  // what is recorded when empty
  createSegmentationFields(current);
  problems_ = new QLabel;
  problems_->setObjectName("settingsProblems");
  problems_->setStyleSheet("color: #b02828;");
  problems_->setWordWrap(true);
  problems_->setText(segmentationProblem);

  auto* form = new QFormLayout;
  form->addRow(tr("Your name (recorded with reviews and approvals)"), yourName_);
  auto row = [&](const QString& label, QLineEdit* field, bool folder) {
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this, field, folder] {
      const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Choose Folder"), field->text())
                                  : QFileDialog::getOpenFileName(this, tr("Choose File"), field->text());
      if (!path.isEmpty()) field->setText(path);
    });
    auto* line = new QHBoxLayout;
    line->addWidget(field, 1);
    line->addWidget(browse);
    form->addRow(label, line);
  };
  row(tr("SD 1.5 checkpoint"), checkpoint_, false);
  row(tr("ControlNet (canny)"), controlnet_, false);
  auto* segmentation = new QLabel(
      project_ != nullptr ? tr("<b>Segmentation of this project</b> (also the defaults for new projects)")
                          : tr("<b>Segmentation</b> (the defaults for new projects; an open project has its own)"));
  segmentation->setObjectName("segmentationScope");
  form->addRow(segmentation);
  row(tr("Segmenter (optional, .onnx or TorchScript)"), segmenter_, false);
  form->addRow(tr("Segmenter input preset"), segmenterPreset_);
  form->addRow(tr("Custom input size"), segmenterSize_);
  form->addRow(tr("Custom mean (R,G,B)"), segmenterMean_);
  form->addRow(tr("Custom std (R,G,B)"), segmenterStd_);
  form->addRow(tr("Mask confidence threshold"), confidenceThreshold_);
  form->addRow(tr("Device"), device_);
  form->addRow(tr("Threads (from the next start)"), threads_);
  form->addRow(tr("Diffusion precision"), dtype_);
  form->addRow(tr("LoRAs (file:multiplier, fused in order)"), createLoraList(current));
  form->addRow(tr("Generation recipe"), recipe_);
  form->addRow(tr("Denoising steps"), steps_);
  row(tr("Output folder"), output_, true);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::trySave);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problems_);
  layout->addWidget(buttons);
  resize(640, 460);
}

void SettingsDialog::createSegmentationFields(const StudioSettings& current) {
  segmenterPreset_ = new QComboBox;
  segmenterPreset_->setObjectName("segmenterPreset");
  segmenterPreset_->addItem(tr("U2-Net (320, ImageNet mean/std)"), "u2net");
  segmenterPreset_->addItem(tr("RMBG (1024, mean 0.5, std 1)"), "rmbg");
  segmenterPreset_->addItem(tr("Custom"), "custom");
  segmenterPreset_->setCurrentIndex(std::max(0, segmenterPreset_->findData(current.segmenterPreset)));
  segmenterSize_ = new QSpinBox;
  segmenterSize_->setObjectName("segmenterSize");
  segmenterSize_->setRange(16, 4096);
  segmenterSize_->setValue(current.segmenterSize);
  segmenterMean_ = new QLineEdit(current.segmenterMean);
  segmenterMean_->setObjectName("segmenterMean");
  segmenterStd_ = new QLineEdit(current.segmenterStd);
  segmenterStd_->setObjectName("segmenterStd");
  confidenceThreshold_ = new QDoubleSpinBox;
  confidenceThreshold_->setObjectName("confidenceThreshold");
  confidenceThreshold_->setRange(0.0, 1.0);
  confidenceThreshold_->setSingleStep(0.05);
  confidenceThreshold_->setValue(current.confidenceThreshold);
  confidenceThreshold_->setToolTip(
      tr("Masks below this confidence need attention: they are not generated or "
         "pushed until someone accepts or repaints them."));
  const auto showCustom = [this] {
    const bool custom = segmenterPreset_->currentData().toString() == "custom";
    for (QWidget* field : {static_cast<QWidget*>(segmenterSize_), static_cast<QWidget*>(segmenterMean_),
                           static_cast<QWidget*>(segmenterStd_)}) {
      field->setEnabled(custom);
    }
  };
  connect(segmenterPreset_, &QComboBox::currentIndexChanged, this, showCustom);
  showCustom();
}

QLayout* SettingsDialog::createLoraList(const StudioSettings& current) {
  loras_ = new QListWidget;
  loras_->setObjectName("loraList");
  loras_->setMaximumHeight(90);
  // Long paths keep their end in view: the file's name and its multiplier.
  loras_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  loras_->setTextElideMode(Qt::ElideLeft);
  loras_->setToolTip(
      tr("Each LoRA as FILE:multiplier (double-click to change the multiplier). The LCM-LoRA "
         "recipe needs an LCM-LoRA here."));
  const auto addRow = [this](const QString& text) {
    auto* item = new QListWidgetItem(text, loras_);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
  };
  for (const QString& lora : current.loras) addRow(lora);
  auto* add = new QPushButton(tr("Add…"));
  add->setObjectName("addLora");
  connect(add, &QPushButton::clicked, this, [this, addRow] {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Choose LoRA"), QString(), tr("LoRA weights (*.safetensors)"));
    if (!file.isEmpty()) addRow(file + ":1");
  });
  auto* remove = new QPushButton(tr("Remove"));
  remove->setObjectName("removeLora");
  connect(remove, &QPushButton::clicked, this, [this] { delete loras_->currentItem(); });
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(add);
  buttons->addWidget(remove);
  buttons->addStretch(1);
  auto* line = new QHBoxLayout;
  line->addWidget(loras_, 1);
  line->addLayout(buttons);
  return line;
}

QLineEdit* SettingsDialog::pathField(const QString& name, bool) {
  auto* field = new QLineEdit;
  field->setObjectName(name);
  return field;
}

StudioSettings SettingsDialog::settings() const {
  StudioSettings s;
  s.checkpoint = checkpoint_->text().trimmed();
  s.controlnet = controlnet_->text().trimmed();
  s.segmenter = segmenter_->text().trimmed();
  s.segmenterPreset = segmenterPreset_->currentData().toString();
  s.segmenterSize = segmenterSize_->value();
  s.segmenterMean = segmenterMean_->text().trimmed();
  s.segmenterStd = segmenterStd_->text().trimmed();
  s.confidenceThreshold = confidenceThreshold_->value();
  s.device = device_->text().trimmed();
  s.threads = threads_->value();
  s.dtype = dtype_->currentData().toString();
  s.recipe = recipe_->currentData().toString();
  s.steps = steps_->value();
  s.outputFolder = output_->text().trimmed();
  s.yourName = yourName_->text().trimmed();
  for (int row = 0; row < loras_->count(); ++row) {
    const QString lora = loras_->item(row)->text().trimmed();
    if (!lora.isEmpty()) s.loras << lora;
  }
  return s;
}

bool SettingsDialog::trySave() {
  const StudioSettings s = settings();
  const QStringList problems = s.problems();
  problems_->setText(problems.join('\n'));
  if (!problems.isEmpty()) return false;
  if (project_ != nullptr) {
    try {
      save_segmenter_settings(*project_, s.segmenterSettings());
    } catch (const std::exception& error) {
      problems_->setText(
          tr("Cannot save the project's segmentation settings: %1").arg(QString::fromStdString(error.what())));
      return false;
    }
  }
  s.save();
  accept();
  return true;
}

}  // namespace backdrop::ui
