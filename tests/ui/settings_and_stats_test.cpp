// Settings are checked before they are saved, with messages that name the problem; the dashboard's
// CTR intervals are Wilson intervals.

#include <QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTemporaryDir>

#include "core/common/login_name.h"
#include "studio_test_project.h"
#include "ui/bandit_panel.h"
#include "ui/generator_choice.h"
#include "ui/review_command.h"
#include "ui/settings_dialog.h"
#include "ui/studio_settings.h"

using backdrop::ui::StudioSettings;

class SettingsAndStatsTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void defaultsAreValidAndMeanStudioBackdrops() {
    const StudioSettings settings;
    QVERIFY(settings.problems().isEmpty());
    QVERIFY(!settings.hasDiffusionWeights());
  }

  void badValuesAreNamed() {
    StudioSettings settings;
    settings.checkpoint = "/no/such/checkpoint.safetensors";
    settings.device = "gpu";
    settings.threads = -1;
    const QStringList problems = settings.problems();
    QVERIFY(problems.join('\n').contains("/no/such/checkpoint.safetensors does not exist"));
    QVERIFY(problems.join('\n').contains("Set both the checkpoint and the ControlNet"));
    QVERIFY(problems.join('\n').contains("\"gpu\""));
    QVERIFY(problems.join('\n').contains("Threads"));
  }

  void dialogRefusesToSaveInvalidSettingsAndSavesValidOnes() {
    QTemporaryDir dir;
    backdrop::ui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>("device")->setText("cuda:x");
    QVERIFY(!dialog.trySave());
    QVERIFY(dialog.findChild<QLabel*>("settingsProblems")->text().contains("cuda:x"));
    dialog.findChild<QLineEdit*>("device")->setText("cuda:0");
    dialog.findChild<QLineEdit*>("outputFolder")->setText(dir.path());
    QVERIFY(dialog.trySave());
    QCOMPARE(StudioSettings::load().device, QString("cuda:0"));
    QCOMPARE(StudioSettings::load().outputFolder, dir.path());
  }

  // "Your name" is who reviews and approvals are recorded under; empty, the login name (the
  // field's placeholder says so).
  void yourNameIsTheReviewer() {
    backdrop::ui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>("outputFolder")->clear();
    auto* name = dialog.findChild<QLineEdit*>("yourName");
    QCOMPARE(name->placeholderText(), QString::fromStdString(backdrop::login_name()));
    name->setText("  Ana Lima ");
    QVERIFY(dialog.trySave());
    QCOMPARE(StudioSettings::load().yourName, QString("Ana Lima"));
    QCOMPARE(backdrop::ui::currentReviewer(), std::string("Ana Lima"));
    auto settings = StudioSettings::load();
    settings.yourName.clear();
    settings.save();
    QCOMPARE(backdrop::ui::currentReviewer(), backdrop::login_name());
  }

  void segmentationSettingsRoundTripAndAreChecked() {
    backdrop::ui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>("outputFolder")->clear();  // the last test's folder is gone
    auto* preset = dialog.findChild<QComboBox*>("segmenterPreset");
    auto* mean = dialog.findChild<QLineEdit*>("segmenterMean");
    QCOMPARE(StudioSettings().confidenceThreshold, backdrop::imaging::kDefaultConfidenceThreshold);
    preset->setCurrentIndex(preset->findData("u2net"));
    QVERIFY(!mean->isEnabled());  // only the custom preset has its own size, mean and std
    preset->setCurrentIndex(preset->findData("custom"));
    QVERIFY(mean->isEnabled());
    mean->setText("0.5,zero,0.5");
    QVERIFY(!dialog.trySave());
    QVERIFY2(dialog.findChild<QLabel*>("settingsProblems")->text().contains("0.5,zero,0.5"),
             qPrintable(dialog.findChild<QLabel*>("settingsProblems")->text()));
    mean->setText("0.5");
    dialog.findChild<QLineEdit*>("segmenterStd")->setText("1");
    dialog.findChild<QSpinBox*>("segmenterSize")->setValue(512);
    dialog.findChild<QDoubleSpinBox*>("confidenceThreshold")->setValue(0.65);
    QVERIFY(dialog.trySave());
    const auto core = StudioSettings::load().segmenterSettings();
    QVERIFY(core.preset == backdrop::imaging::SegmenterPreset::Custom);
    QCOMPARE(core.custom.size, 512);
    QCOMPARE(core.custom.mean, cv::Vec3d(0.5, 0.5, 0.5));
    QCOMPARE(core.custom.std, cv::Vec3d(1, 1, 1));
    QCOMPARE(core.confidence_threshold, 0.65);
  }

  void theLcmLoraRecipePresetsItsStepsAndSetsSchedulerAndGuidance() {
    backdrop::ui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>("outputFolder")->clear();
    auto* recipe = dialog.findChild<QComboBox*>("recipe");
    QVERIFY(recipe != nullptr);
    const int lcm = recipe->findData("lcm-lora");
    QVERIFY(lcm >= 0);
    QCOMPARE(recipe->itemText(lcm), QString("LCM-LoRA, 4 steps"));
    recipe->setCurrentIndex(lcm);
    emit recipe->activated(lcm);  // as a user's choice
    QCOMPARE(dialog.findChild<QSpinBox*>("steps")->value(), 4);
    QVERIFY(dialog.trySave());
    auto settings = StudioSettings::load();
    QCOMPARE(settings.recipe, QString("lcm-lora"));
    QCOMPARE(settings.steps, 4);

    // The recipe reaches the generator's settings (weights given, so diffusion is chosen).
    QTemporaryDir dir;
    settings.checkpoint = dir.filePath("model.safetensors");
    settings.controlnet = dir.filePath("controlnet.safetensors");
    for (const auto& path : {settings.checkpoint, settings.controlnet}) {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const auto choice = backdrop::ui::generatorChoice(settings);
    QCOMPARE(QString::fromStdString(choice.settings.scheduler), QString("lcm"));
    QCOMPARE(choice.settings.guidance_scale, 1.0);
    QCOMPARE(choice.settings.steps, 4);

    recipe->setCurrentIndex(recipe->findData("standard"));
    emit recipe->activated(recipe->currentIndex());
    QCOMPARE(dialog.findChild<QSpinBox*>("steps")->value(), StudioSettings().steps);
    QVERIFY(dialog.trySave());
  }

  // LoRAs are listed as FILE:multiplier, checked on save, and fused by the generator in order.
  void loraListReachesTheGenerator() {
    QTemporaryDir dir;
    const QString checkpoint = dir.filePath("model.safetensors"), controlnet = dir.filePath("controlnet.safetensors"),
                  lora = dir.filePath("lcm-lora.safetensors");
    for (const auto& path : {checkpoint, controlnet, lora}) {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
    }
    backdrop::ui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>("outputFolder")->clear();
    dialog.findChild<QLineEdit*>("checkpointPath")->setText(checkpoint);
    dialog.findChild<QLineEdit*>("controlnetPath")->setText(controlnet);
    auto* list = dialog.findChild<QListWidget*>("loraList");
    QVERIFY(list != nullptr);
    list->addItem(dir.filePath("missing.safetensors") + ":1");
    QVERIFY(!dialog.trySave());
    QVERIFY2(dialog.findChild<QLabel*>("settingsProblems")->text().contains("missing.safetensors does not exist"),
             qPrintable(dialog.findChild<QLabel*>("settingsProblems")->text()));
    delete list->takeItem(0);
    list->addItem(lora + ":0.6");
    dialog.show();
    backdrop::test::saveScreenshot(dialog, "settings-loras.png");
    QVERIFY(dialog.trySave());

    const auto settings = StudioSettings::load();
    QCOMPARE(settings.loras, QStringList{lora + ":0.6"});
    const auto choice = backdrop::ui::generatorChoice(settings);
    QCOMPARE(choice.settings.loras.size(), std::size_t{1});
    QCOMPARE(QString::fromStdString(choice.settings.loras[0].path.string()), lora);
    QCOMPARE(choice.settings.loras[0].multiplier, 0.6);
    StudioSettings().save();
  }

  void wilsonIntervalsMatchTheFormula() {
    // 10 clicks in 100 shows: 0.0552 .. 0.1744 (Wilson, z = 1.96).
    const auto [low, high] = backdrop::ui::wilsonInterval(10, 100);
    QVERIFY(std::abs(low - 0.0552) < 1e-3);
    QVERIFY(std::abs(high - 0.1744) < 1e-3);
    QCOMPARE(backdrop::ui::wilsonInterval(0, 0), (std::pair<double, double>{0, 0}));
  }
};

QTEST_MAIN(SettingsAndStatsTest)
#include "settings_and_stats_test.moc"
