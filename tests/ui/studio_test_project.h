#pragma once
// The start most studio GUI tests share: the main window shown, a new project, and the example
// catalogue (tests/support/test_data.h product_data()) imported through the window.

#include <QtTest>

#include <filesystem>

#include "support/test_data.h"
#include "core/store/project.h"
#include "ui/main_window.h"
#include "ui/project_session.h"

namespace backdrop::test {

inline QString qpath(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

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
