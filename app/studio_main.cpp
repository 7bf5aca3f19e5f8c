// `backdrop-studio`: the desktop application.
//   backdrop-studio [--project FILE.backdrop] [--catalogue FILE.csv|FOLDER] [--generate N]
//                   [--view catalogue|product|edges|layouts|variants|compare|prompts|queue|bandit|evaluation|experiments|push]
//                   [--experiment-logs FOLDER] [--screenshot FILE.png]
// --catalogue without --project imports into a new project in a temporary folder. --generate
// prepares and generates studio-backdrop variants for the first N products. --screenshot renders
// the window (on the chosen view) to a PNG and exits, so the GUI can be looked at headless.
// --experiment-logs computes the Experiments tab's report of that folder of backdrop-serve logs.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

#include "core/engine/engine_info.h"
#include "ui/bandit_evaluation_view.h"
#include "ui/bandit_panel.h"
#include "ui/catalogue_panel.h"
#include "ui/experiments_panel.h"
#include "ui/generation_panel.h"
#include "ui/main_window.h"
#include "ui/push_dialog.h"
#include "ui/studio_settings.h"

namespace {

using backdrop::ui::MainWindow;

int fail(const QString& message) {
  std::fprintf(stderr, "backdrop-studio: %s\n", qPrintable(message));
  return 1;
}

// The steps after the window is up, each started when the one before has finished.
class StartupScript : public QObject {
 public:
  StartupScript(MainWindow& window, QString catalogue, int generate, QString view, QString experimentLogs,
                QString screenshot)
      : window_(window), catalogue_(std::move(catalogue)), generate_(generate), view_(std::move(view)),
        experimentLogs_(std::move(experimentLogs)), screenshot_(std::move(screenshot)) {}

  void run() {
    if (catalogue_.isEmpty()) return afterImport();
    connect(&window_, &MainWindow::importFinished, this, &StartupScript::afterImport, Qt::SingleShotConnection);
    if (!window_.importCatalogue(catalogue_)) QApplication::exit(fail("cannot import " + catalogue_));
  }

 private:
  void afterImport() {
    const QStringList ids = window_.catalogue().shownProductIds();
    if (!ids.isEmpty()) window_.selectProduct(ids.front());
    if (generate_ <= 0 || ids.isEmpty()) return finish();
    const QStringList chosen = ids.mid(0, generate_);
    connect(&window_, &MainWindow::prepareFinished, this, [this, chosen] {
      connect(&window_.generation(), &backdrop::ui::GenerationPanel::jobFinished, this, &StartupScript::finish,
              Qt::SingleShotConnection);
      window_.generation().start(chosen);
    }, Qt::SingleShotConnection);
    window_.prepareProducts(chosen);
  }

  void finish() {
    if (!view_.isEmpty() && !window_.showView(view_)) {
      QApplication::exit(fail("unknown view " + view_));
      return;
    }
    if (!experimentLogs_.isEmpty()) {  // the picture waits for the report
      if (!screenshot_.isEmpty()) {
        connect(&window_.experiments(), &backdrop::ui::ExperimentsPanel::reportReady, this,
                [this] { grabSoon(&window_); }, Qt::SingleShotConnection);
      }
      window_.experiments().loadLogs(experimentLogs_);
      return;
    }
    if (screenshot_.isEmpty()) return;
    if (auto* push = window_.findChild<backdrop::ui::PushDialog*>(); push && view_ == "push") {
      // The dialog is the picture, once it knows what ships.
      connect(push, &backdrop::ui::PushDialog::planReady, this, [this, push] { grabSoon(push); }, Qt::SingleShotConnection);
      return;
    }
    auto& evaluation = window_.bandit().evaluation();
    if (evaluation.isEvaluating()) {  // the evaluation view: its results are what the picture is for
      connect(
          &evaluation, &backdrop::ui::BanditEvaluationView::finished, this, [this] { grabSoon(&window_); },
          Qt::SingleShotConnection);
      return;
    }
    grabSoon(&window_);
  }

  void grabSoon(QWidget* widget) {
    // Let layouts settle, thumbnails and previews load before grabbing.
    QTimer::singleShot(2500, this, [this, widget] {
      if (!widget->grab().save(screenshot_, "PNG")) {
        QApplication::exit(fail("cannot write " + screenshot_));
        return;
      }
      QApplication::exit(0);
    });
  }

  MainWindow& window_;
  QString catalogue_;
  int generate_;
  QString view_;
  QString experimentLogs_;
  QString screenshot_;
};

}  // namespace

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
  QCommandLineOption project("project", "Open this project (*.backdrop).", "file");
  QCommandLineOption catalogue("catalogue", "Import this catalogue CSV or image folder at start.", "source");
  QCommandLineOption generate("generate", "Prepare and generate variants for the first N products.", "N", "0");
  QCommandLineOption view("view", "Show this view: catalogue, product, edges, layouts, variants, compare, prompts, queue, bandit, evaluation, experiments, push.", "name");
  QCommandLineOption experimentLogs("experiment-logs", "Report the experiments in this folder of backdrop-serve logs.", "folder");
  QCommandLineOption screenshot("screenshot", "Render the main window to this PNG file and exit.", "file");
  parser.addOptions({project, catalogue, generate, view, experimentLogs, screenshot});
  parser.process(app);

  // Here, before any engine work: libtorch's thread pools must not be resized while they run.
  backdrop::configure_engine_threads(backdrop::ui::StudioSettings::load().threads);
  MainWindow window;
  QTemporaryDir scratch;  // holds the project when only a catalogue is given
  if (parser.isSet(project)) {
    if (!window.openProject(parser.value(project))) return 1;
  } else if (parser.isSet(catalogue)) {
    if (!scratch.isValid() || !window.createProject(scratch.filePath("studio.backdrop"))) return fail("cannot create a project");
  }
  window.show();

  StartupScript script(window, parser.value(catalogue), parser.value(generate).toInt(), parser.value(view),
                       parser.value(experimentLogs), parser.value(screenshot));
  QTimer::singleShot(0, &script, [&script] { script.run(); });
  return QApplication::exec();
}
