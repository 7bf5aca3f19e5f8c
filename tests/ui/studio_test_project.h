#pragma once
// The start most studio GUI tests share: the main window shown, a new project, and the example
// catalogue (tests/support/test_data.h product_data()) imported through the window.

#include <QtTest>

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QTimer>

#include <filesystem>
#include <memory>

#include "support/test_data.h"
#include "core/store/project.h"
#include "ui/main_window.h"
#include "ui/project_session.h"

namespace backdrop::test {

inline QString qpath(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

// Answers the next message box that opens (within 10 s) with `answer`, as a person would click it:
// for actions that ask before they act. Call it just before the action; the returned text is the
// box's question once it has been answered.
inline std::shared_ptr<QString> answerNextMessageBox(QMessageBox::StandardButton answer) {
  auto asked = std::make_shared<QString>();
  auto* poll = new QTimer;
  QObject::connect(poll, &QTimer::timeout, [poll, answer, asked, ticks = 0]() mutable {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    if (box != nullptr && box->isVisible()) {
      *asked = box->text();
      box->button(answer)->click();
    } else if (++ticks < 1000) {
      return;
    }
    poll->deleteLater();
  });
  poll->start(10);
  return asked;
}

// Writes what `widget` shows to <BACKDROP_SCREENSHOT_DIR>/<name> when that variable is set, so that
// people can look at what users see after a test run; nothing otherwise.
inline void saveScreenshot(QWidget& widget, const QString& name) {
  const QString folder = qEnvironmentVariable("BACKDROP_SCREENSHOT_DIR");
  if (folder.isEmpty()) return;
  QVERIFY(widget.grab().save(QDir(folder).filePath(name), "PNG"));
  qInfo("screenshot: %s", qPrintable(QDir(folder).filePath(name)));
}

// Fails the calling test (check QTest::currentTestFailed()) when a step does not work.
inline void openWithExampleCatalogue(ui::MainWindow& window, const std::filesystem::path& projectFile) {
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QVERIFY(window.createProject(qpath(projectFile)));
  QSignalSpy imported(&window, &ui::MainWindow::importFinished);
  QVERIFY(window.importCatalogue(qpath(product_data() / "catalog.csv")));
  QVERIFY(imported.wait(30000));
}

// Keeps only the project's first placement (a new project has the seven ad placements): tests that
// count or review variants one placement at a time.
inline void keepFirstPlacement(ui::MainWindow& window) {
  auto placements = window.session().project().placements();
  const auto all = placements.list();
  for (std::size_t i = 1; i < all.size(); ++i) placements.remove(all[i].name);
}

}  // namespace backdrop::test
