#pragma once
// The start most studio GUI tests share: the main window shown, a new project, and the example
// catalogue (tests/support/test_data.h product_data()) imported through the window.

#include <QtTest>

#include <filesystem>

#include "support/test_data.h"
#include "ui/main_window.h"

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

}  // namespace backdrop::test
