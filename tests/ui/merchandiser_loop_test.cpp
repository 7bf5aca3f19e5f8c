// The merchandiser's whole loop in a real window (under Xvfb), through menus and keys: a new
// project, a catalogue import that drafts the installed library's prompts, their approval for two
// categories, generation, review with P, X and stars and undo, a push that backdrop-serve serves,
// its click log imported in the Bandit tab, priors updated from it and pushed again. The bundle's
// priors must be priors_from_logs on that log, and the review log must name the reviewer.

#include <QtTest>

#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>

#include <fstream>

#include <nlohmann/json.hpp>

#include "app/serve_process.h"
#include "core/bandit/impression_log.h"
#include "core/bandit/priors.h"
#include "core/export/bundle_reader.h"
#include "core/export/category_logs.h"
#include "core/export/publisher.h"
#include "studio_test_project.h"
#include "ui/bandit_panel.h"
#include "ui/generation_panel.h"
#include "ui/push_dialog.h"
#include "ui/roles.h"
#include "ui/studio_settings.h"
#include "ui/variants_panel.h"

#include <httplib.h>  // after Eigen (core/ headers): see app/serve/serve_http.h

using namespace backdrop;
using backdrop::ui::MainWindow;

namespace {

constexpr const char* kReviewer = "Ana Lima";
const QStringList kCategories{"apparel", "footwear"};

// Triggers the main window's menu action with this text (its '&' mnemonics ignored), as a click
// on the menu entry would.
bool triggerMenuAction(MainWindow& window, const QString& menu, const QString& text) {
  for (QAction* top : window.menuBar()->actions()) {
    if (top->text().remove('&') != menu || top->menu() == nullptr) continue;
    for (QAction* action : top->menu()->actions()) {
      if (action->text().remove('&') == text) {
        action->trigger();
        return true;
      }
    }
  }
  return false;
}

// A key pressed in the main window, as a person does once the window is active again (a message
// box closed just before; without a window manager nothing gives the activation back).
void press(MainWindow& window, Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
  if (!window.isActiveWindow()) {
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
  }
  QTest::keyClick(&window, key, modifiers);
}

// Publishes through File > Push to Production... to `target`; returns the published version.
std::string pushThroughTheMenu(MainWindow& window, const std::filesystem::path& target) {
  if (!triggerMenuAction(window, "File", "Push to Production…")) return {};
  auto* dialog = window.findChild<ui::PushDialog*>();
  if (dialog == nullptr) return {};
  QSignalSpy planned(dialog, &ui::PushDialog::planReady);
  if (!planned.wait(30000)) return {};
  dialog->findChild<QLineEdit*>("pushTarget")->setText(test::qpath(target));
  QSignalSpy published(dialog, &ui::PushDialog::published);
  QTest::mouseClick(dialog->findChild<QPushButton*>("pushPublish"), Qt::LeftButton);
  if (!published.wait(60000)) return {};
  std::ifstream current(target / "CURRENT");
  std::string version;
  std::getline(current, version);
  QPointer<ui::PushDialog> closing = dialog;
  dialog->close();  // deleted on close: the next push plans afresh
  if (!QTest::qWaitFor([&closing] { return closing.isNull(); }, 5000)) return {};
  return version;
}

// What users do on a page: each decision's image shown; mobile users click the `favoured` arm's
// image a quarter of the time, everything else one in twenty.
int browse(int port, const std::string& category, const std::string& product, const std::string& favoured,
           int decisions) {
  httplib::Client client("127.0.0.1", port);
  int shown = 0;
  for (int i = 0; i < decisions; ++i) {
    const bool mobile = i % 2 == 0;
    const nlohmann::json context{{"user", {{"device", mobile ? "mobile" : "desktop"}, {"segment", "new"}}},
                                 {"placement", {{"placement", "square"}}}};
    const nlohmann::json request{
        {"category", category}, {"product", product}, {"placement", "square"}, {"context", context}};
    const auto answer = client.Post("/v1/decide", request.dump(), "application/json");
    if (!answer || answer->status != 200) continue;
    ++shown;
    const auto decision = nlohmann::json::parse(answer->body);
    const bool liked = mobile && decision.at("arm").get<std::string>() == favoured;
    const bool clicked = (i * 7919) % 100 < (liked ? 25 : 5);
    if (!clicked) continue;
    client.Post("/v1/feedback", nlohmann::json{{"decision", decision.at("decision")}, {"clicked", true}}.dump(),
                "application/json");
  }
  return shown;
}

}  // namespace

class MerchandiserLoopTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // the Studio's settings, not the user's
    // The installed library is the source tree's (the tests run from its root).
    qputenv("BACKDROP_PROMPTS", QFileInfo("resources/prompts/default.json").absoluteFilePath().toUtf8());
    auto settings = ui::StudioSettings::load();
    settings.yourName = kReviewer;
    settings.save();
  }

  void cleanupTestCase() {
    auto settings = ui::StudioSettings::load();
    settings.yourName.clear();
    settings.save();
  }

  void newProjectToPriorsThatShip() {
    const auto dir = test::scratch_dir("studio-merchandiser-loop");
    MainWindow window;
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    // 1. A new project and a catalogue import: the library's prompts are drafted per category.
    QVERIFY(window.createProject(test::qpath(dir / "shop.backdrop")));
    test::keepFirstPlacement(window);
    QSignalSpy imported(&window, &MainWindow::importFinished);
    QVERIFY(window.importCatalogue(test::qpath(test::product_data() / "catalog.csv")));
    QVERIFY(imported.wait(30000));
    QVERIFY2(imported.front().front().toString().contains("prompt sets drafted from the library for apparel"),
             qPrintable(imported.front().front().toString()));
    auto& project = window.session().project();
    for (const auto& category : project.products().categories()) {
      QVERIFY2(project.prompts().versions(category).size() == 1, category.c_str());
    }

    // Approve the drafts of two categories in the Prompts view.
    press(window, Qt::Key_3, Qt::ControlModifier);  // View > Show prompts
    QVERIFY(window.findChild<QComboBox*>("promptCategory")->isVisible());
    for (const QString& category : kCategories) {
      window.findChild<QComboBox*>("promptCategory")->setCurrentText(category);
      auto* versions = window.findChild<QListWidget*>("promptVersions");
      QTRY_COMPARE(versions->count(), 1);
      versions->setCurrentRow(0);
      const auto asked = test::answerNextMessageBox(QMessageBox::Yes);
      QTest::mouseClick(window.findChild<QPushButton*>("approvePromptVersion"), Qt::LeftButton);
      QVERIFY2(asked->contains(QString("Approve version 1 of %1 (2 prompts)").arg(category)), qPrintable(*asked));
      const auto approved = project.prompts().latest_approved(category.toStdString());
      QVERIFY(approved.has_value());
      QCOMPARE(approved->reviewed_by, std::string(kReviewer));
      QCOMPARE(approved->author, std::string("prompt library"));
    }

    // Generate one product of each: 2 prompts x 1 placement each.
    const QStringList products{"p001", "p006"};
    QSignalSpy generated(&window.generation(), &ui::GenerationPanel::jobFinished);
    QVERIFY(window.generation().start(products));
    QVERIFY(generated.wait(120000));
    QVERIFY2(generated.front().front().toString().startsWith("finished"),
             qPrintable(generated.front().front().toString()));
    QVERIFY2(project.variants().list().size() == 4, qPrintable(generated.front().front().toString()));

    // 2. Review in the Variants view with the keys.
    reviewWithKeys(window);
    if (QTest::currentTestFailed()) return;

    // 3. Push, serve, browse: backdrop-serve logs the impressions and clicks.
    const auto target = dir / "production";
    const auto first = pushThroughTheMenu(window, target);
    QVERIFY(!first.empty());
    const auto logs = dir / "serve-logs";
    auto serve = test::start("--bundles '" + target.string() + "' --log-dir '" + logs.string() + "'");
    QVERIFY(serve.port > 0);
    const auto arms = exporting::approved_arms(project, "apparel");
    QCOMPARE(browse(serve.port, "apparel", "p001", arms[1].id, 400), 400);
    QCOMPARE(test::stop(serve), 0);
    const auto clickLog = logs / bandit::impression_log_file_name("apparel");
    QVERIFY(std::filesystem::exists(clickLog));

    // The Bandit tab: the log imported for apparel, its priors updated.
    press(window, Qt::Key_5, Qt::ControlModifier);  // View > Show bandit
    auto& bandit = window.bandit();
    QVERIFY(bandit.isVisible());
    bandit.setCategory("apparel");
    QSignalSpy read(&bandit, &ui::BanditPanel::updated);
    QVERIFY(bandit.importClickLogs({test::qpath(clickLog)}));
    QVERIFY(read.wait(30000));
    test::saveScreenshot(window, "merchandiser-bandit.png");
    const auto asked = test::answerNextMessageBox(QMessageBox::Yes);
    QTest::mouseClick(bandit.findChild<QPushButton*>("updatePriors"), Qt::LeftButton);
    QVERIFY2(asked->startsWith("Learn the priors of apparel from 400 impressions"), qPrintable(*asked));
    QVERIFY2(window.statusBar()->currentMessage().startsWith("Stored priors version 1: 400 impressions"),
             qPrintable(window.statusBar()->currentMessage()));

    // Push again: the bundle ships exactly what priors_from_logs learns from that log.
    const auto second = pushThroughTheMenu(window, target);
    QVERIFY(!second.empty() && second != first);
    const auto bundle = exporting::load_bundle(target / "versions" / second);
    const auto& shipped = bundle.categories.at("apparel");
    const auto fromLog = exporting::read_category_logs(project, "apparel", {clickLog});
    const auto expected = bandit::priors_from_logs(fromLog.feedback, fromLog.schema, 2);
    QCOMPARE(shipped.priors.arms.size(), std::size_t{2});
    for (std::size_t arm = 0; arm < 2; ++arm) {
      QCOMPARE(shipped.priors.arms[arm].linear.pulls, expected.arms[arm].linear.pulls);
      QCOMPARE(shipped.priors.arms[arm].linear.b, expected.arms[arm].linear.b);
      QVERIFY(shipped.priors.arms[arm].linear.a_inverse.isApprox(expected.arms[arm].linear.a_inverse, 1e-12));
    }
    QVERIFY2(shipped.priors_source.starts_with("version 1: 400 impressions"), shipped.priors_source.c_str());

    // Every review is recorded under the name set in Settings.
    const auto entries = project.review_log().all();
    QVERIFY(!entries.empty());
    for (const auto& entry : entries) QCOMPARE(entry.reviewer, std::string(kReviewer));
  }

 private:
  void reviewWithKeys(MainWindow& window);
};

// Through the Review menu's keys, sent to the window: P approves the variant in the loupe and
// moves on, so P twice approves both of p001's; on p006, X rejects the first and Ctrl+Z undoes it,
// and 4 rates the variant the loupe then shows.
void MerchandiserLoopTest::reviewWithKeys(MainWindow& window) {
  auto& project = window.session().project();
  press(window, Qt::Key_2, Qt::ControlModifier);  // View > Show variants
  auto* panel = window.findChild<ui::VariantsPanel*>("variantsPanel");
  QVERIFY(panel->isVisible());
  QVERIFY(window.selectProduct("p001"));
  QTRY_COMPARE(panel->variantCount(), 2);
  const auto idAt = [panel](int row) {
    return panel->grid()->model()->index(row, 0).data(ui::kVariantIdRole).toLongLong();
  };
  const int64_t first = idAt(0), second = idAt(1);
  QVERIFY(panel->setCurrentVariant(first));
  press(window, Qt::Key_P);
  QCOMPARE(panel->currentVariantId(), second);  // the loupe moved on with the decision
  press(window, Qt::Key_P);
  QCOMPARE(project.variants().find(first)->status, VariantStatus::approved);
  QCOMPARE(project.variants().find(second)->status, VariantStatus::approved);

  QVERIFY(window.selectProduct("p006"));
  QTRY_COMPARE(panel->productId(), QString("p006"));
  QTRY_COMPARE(panel->variantCount(), 2);
  const int64_t third = idAt(0), fourth = idAt(1);
  // Captions say what was painted: the library prompt with the product's title in it.
  const QString caption = panel->grid()->model()->index(0, 0).data().toString();
  QVERIFY2(caption.contains("a Women's red") && !caption.contains("{product}"), qPrintable(caption));
  QVERIFY(panel->setCurrentVariant(third));
  press(window, Qt::Key_X);
  QCOMPARE(project.variants().find(third)->status, VariantStatus::rejected);
  press(window, Qt::Key_Z, Qt::ControlModifier);  // Edit > Undo
  QCOMPARE(project.variants().find(third)->status, VariantStatus::generated);
  const int64_t shown = panel->currentVariantId();
  QVERIFY(shown == third || shown == fourth);
  press(window, Qt::Key_4);
  QCOMPARE(project.variants().find(shown)->stars, std::optional<int>(4));
  test::saveScreenshot(window, "merchandiser-variants.png");
}

QTEST_MAIN(MerchandiserLoopTest)
#include "merchandiser_loop_test.moc"
