#include "ui/project_session.h"

#include <QFileInfo>
#include <QSettings>

#include "core/preparation/project_segmentation.h"
#include "core/store/project.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {
namespace {
constexpr int kMaxRecent = 8;
constexpr auto kRecentKey = "project/recent";
}  // namespace

ProjectSession::ProjectSession(QObject* parent) : QObject(parent) {}
ProjectSession::~ProjectSession() = default;

void ProjectSession::create(const QString& file) {
  project_ = std::make_unique<Project>(Project::create(file.toStdString()));
  seedSegmentationSettings();
  file_ = QFileInfo(file).absoluteFilePath();
  remember(file_);
  emit projectOpened();
}

void ProjectSession::open(const QString& file) {
  project_ = std::make_unique<Project>(Project::open(file.toStdString()));
  file_ = QFileInfo(file).absoluteFilePath();
  remember(file_);
  emit projectOpened();
}

void ProjectSession::seedSegmentationSettings() {
  // The user's segmentation settings are the defaults of new projects; from here on the project's
  // own values are what its runs use.
  try {
    save_segmenter_settings(*project_, StudioSettings::load().segmenterSettings());
  } catch (const std::exception&) {
    // Malformed user settings: the project keeps core's defaults, and Settings names the problem.
  }
}

Project& ProjectSession::project() {
  Q_ASSERT(project_);
  return *project_;
}

QString ProjectSession::cacheDir() const {
  return QString::fromStdString(project_cache_dir(file_.toStdString()).string());
}

QStringList ProjectSession::recentProjects() {
  QStringList recent = QSettings().value(kRecentKey).toStringList();
  recent.erase(std::remove_if(recent.begin(), recent.end(), [](const QString& f) { return !QFileInfo::exists(f); }),
               recent.end());
  return recent;
}

void ProjectSession::remember(const QString& file) {
  QStringList recent = QSettings().value(kRecentKey).toStringList();
  recent.removeAll(file);
  recent.prepend(file);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(kRecentKey, recent);
}

}  // namespace backdrop::ui
