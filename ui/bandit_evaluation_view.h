#pragma once
// The Bandit tab's Offline Evaluation: LinUCB, uniform random and the logging policy on the
// category's imported click logs, with replay, IPW, SNIPW, DR and SNDR and their bootstrap 95%
// intervals (core's evaluate_on_holdout), the minimum-data warning, the plain-language verdict and
// why the estimators can disagree. The evaluation runs on a worker and can be cancelled.

#include <QWidget>

#include <memory>

#include "core/bandit/evaluation_verdict.h"
#include "core/common/cancellation.h"
#include "core/export/category_logs.h"
#include "ui/scoped_future_watcher.h"

class QCustomPlot;
class QLabel;
class QPushButton;
class QTableWidget;

namespace backdrop::ui {

struct EvaluationResult {
  bandit::HoldoutEvaluation evaluation;
  bandit::EvaluationVerdict verdict;
  QString source;  // the logs, in words
  QString error;   // "cancelled", or why nothing could be evaluated
};

class BanditEvaluationView : public QWidget {
  Q_OBJECT

 public:
  explicit BanditEvaluationView(QWidget* parent = nullptr);
  ~BanditEvaluationView() override;
  // The logs the next evaluation runs on; null: none imported (the button is disabled).
  void setLogs(std::shared_ptr<const exporting::CategoryLogs> logs);
  bool evaluate();
  void cancel();
  bool isEvaluating() const { return evaluating_; }

 signals:
  void finished(const QString& status);  // the verdict, "cancelled" or the error

 private:
  void showResult();
  void fillTable(const EvaluationResult& result);
  void plot(const EvaluationResult& result);

  std::shared_ptr<const exporting::CategoryLogs> logs_;
  QPushButton* evaluateButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* verdict_ = nullptr;
  QLabel* warning_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QTableWidget* table_ = nullptr;
  ScopedFutureWatcher<EvaluationResult> watcher_;
  CancellationToken cancel_;
  bool evaluating_ = false;  // from the start until its result is shown
};

}  // namespace backdrop::ui
