// `backdrop-studio`: the desktop application.
//   backdrop-studio [--catalogue FILE.csv] [--screenshot FILE.png]
// --screenshot renders the main window to a PNG and exits, so the GUI can be looked at headless.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>

#include "core/engine/engine_info.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("backdrop-studio");
  QApplication::setOrganizationName("Backdrop");
  QApplication::setApplicationDisplayName("Backdrop Studio");
  QApplication::setWindowIcon(QIcon(":/icons/backdrop.svg"));
  QApplication::setDesktopFileName("backdrop-studio");

  QCommandLineParser parser;
  parser.setApplicationDescription("Backdrop Studio: review generated product backgrounds");
  parser.addHelpOption();
  QCommandLineOption catalogue("catalogue", "Open this catalogue CSV at start.", "file");
  QCommandLineOption screenshot("screenshot", "Render the main window to this PNG file and exit.", "file");
  parser.addOptions({catalogue, screenshot});
  parser.process(app);

  backdrop::configure_engine_threads(0);
  backdrop::ui::MainWindow window;
  if (parser.isSet(catalogue) && !window.openCatalogue(parser.value(catalogue))) return 1;
  window.show();

  if (parser.isSet(screenshot)) {
    // Let layouts settle and the thumbnail loads finish before grabbing.
    QTimer::singleShot(1500, &window, [&] {
      const QString path = parser.value(screenshot);
      if (!window.grab().save(path, "PNG")) {
        std::fprintf(stderr, "backdrop-studio: cannot write %s\n", qPrintable(path));
        QApplication::exit(1);
        return;
      }
      QApplication::exit(0);
    });
  }
  return QApplication::exec();
}
