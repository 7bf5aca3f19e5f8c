#pragma once
// The open project (*.backdrop) shared by every view of the main window, the list of recent
// projects, and the signals that tell the views what changed. Lives on the GUI thread; worker
// threads open their own connection to the same file (SQLite in WAL mode allows it).

#include <QObject>
#include <QStringList>
#include <memory>

namespace backdrop {
class Project;
}

namespace backdrop::ui {

class ProjectSession : public QObject {
  Q_OBJECT

 public:
  explicit ProjectSession(QObject* parent = nullptr);
  ~ProjectSession() override;

  // Both throw (StoreError, with the file's name) when the file cannot be created or opened.
  void create(const QString& file);
  void open(const QString& file);

  bool isOpen() const { return project_ != nullptr; }
  Project& project();
  QString file() const { return file_; }
  // The project's cache folder ("shop.backdrop-cache"), where images and masks live.
  QString cacheDir() const;

  static QStringList recentProjects();

 signals:
  void projectOpened();
  void productsChanged();
  void variantsChanged();
  void promptsChanged();

 private:
  void seedSegmentationSettings();
  void remember(const QString& file);

  std::unique_ptr<Project> project_;
  QString file_;
};

}  // namespace backdrop::ui
