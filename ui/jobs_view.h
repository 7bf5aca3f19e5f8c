#pragma once
// The project's generation jobs as its store has them: one row per job (state, done, failed,
// pending, total and a bar), so a reopened project shows every job, whoever ran it; and under it
// the failed variants of the selected job with the reason each failed. Shows only: the panel that
// owns it acts on the selected job through core.

#include <QWidget>
#include <optional>
#include <utility>
#include <vector>

#include "core/generation/jobs_overview.h"

class QLabel;
class QTableWidget;

namespace backdrop::ui {

class ProjectSession;

// Progress bars count hundredths of a variant, so a diffusion variant's denoising steps move them.
constexpr int64_t kBarUnitsPerVariant = 100;

// The run this Studio has in flight (or had last): while it runs its row shows the run's status;
// it has a row of its own before the job reaches the store (while products are prepared) or when
// it never did (its summary says why).
struct LiveRun {
  QString job;  // empty: none
  QString status;
  bool running = false;
  int64_t units = 0;  // bar units, finer than variants while a diffusion variant is painted
  int64_t maximum = 0;
};

class JobsView : public QWidget {
  Q_OBJECT

 public:
  explicit JobsView(ProjectSession& session, QWidget* parent = nullptr);

  // Reads the jobs from the store again; a running `live` replaces its job's stored status.
  void refresh(const LiveRun& live);
  void select(const QString& job);
  // The selected job (the newest when none is selected); empty when there is none.
  QString selectedJob() const;
  // The selected job's state and counts in the store; unset while it is not there.
  std::optional<JobProgress> selectedProgress() const;

 signals:
  void selectionChanged();

 private:
  void showRow(int row, const QString& name, const QString& status, const JobProgress& counts, int64_t units,
               int64_t maximum);
  void showFailures();

  ProjectSession& session_;
  QTableWidget* jobs_ = nullptr;
  QLabel* failuresTitle_ = nullptr;
  QTableWidget* failures_ = nullptr;
  std::vector<JobOverview> stored_;
  // The job whose failures are listed and its failed and done counts then: a refresh that changes
  // neither keeps the list (and where the user scrolled it).
  QString failuresOf_;
  std::pair<int64_t, int64_t> failuresCounts_{-1, -1};
};

// What the state column says of a stored job that this Studio is not running.
QString storedStatus(const JobProgress& progress);

}  // namespace backdrop::ui
