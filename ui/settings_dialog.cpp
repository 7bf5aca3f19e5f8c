#include "ui/settings_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace backdrop::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
  setObjectName("settingsDialog");
  setWindowTitle(tr("Settings"));
  const StudioSettings current = StudioSettings::load();
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
  problems_ = new QLabel;
  problems_->setObjectName("settingsProblems");
  problems_->setStyleSheet("color: #b02828;");
  problems_->setWordWrap(true);

  auto* form = new QFormLayout;
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
  row(tr("Segmenter (optional)"), segmenter_, false);
  form->addRow(tr("Device"), device_);
  form->addRow(tr("Threads (from the next start)"), threads_);
  form->addRow(tr("Denoising steps"), steps_);
  row(tr("Output folder"), output_, true);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::trySave);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(problems_);
  layout->addWidget(buttons);
  resize(640, 300);
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
  s.device = device_->text().trimmed();
  s.threads = threads_->value();
  s.steps = steps_->value();
  s.outputFolder = output_->text().trimmed();
  return s;
}

bool SettingsDialog::trySave() {
  const StudioSettings s = settings();
  const QStringList problems = s.problems();
  problems_->setText(problems.join('\n'));
  if (!problems.isEmpty()) return false;
  s.save();
  accept();
  return true;
}

}  // namespace backdrop::ui
