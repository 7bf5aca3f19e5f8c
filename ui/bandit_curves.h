#pragma once
// What the Bandit tab's Arms view draws, from imported click logs or from the what-if simulation
// over the same arms. Plain data and blocking functions: the panel runs them on a worker.

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

#include "core/export/category_logs.h"

namespace backdrop::ui {

struct BanditCurves {
  QString source;                                               // what the numbers come from, in words
  QStringList arms, prompts;                                    // short labels and the full prompt texts
  QVector<double> impressions, clicks, ctr, low, high, shares;  // per arm; low/high: distances below/above ctr
  QVector<double> rounds, reward, regret;                       // cumulative; regret only when simulated
  std::shared_ptr<const exporting::CategoryLogs> logs;          // what was read; null when simulated
  QString error;
};

// Reads the logs against the arms; never throws (failures land in `error`).
BanditCurves curvesFromLogs(const exporting::CategoryArms& arms, const QStringList& files);

// LinUCB over the arms on synthetic users: what could happen, not what did.
BanditCurves whatIfSimulation(const exporting::CategoryArms& arms);

// Wilson score interval for `clicks` out of `shows` at 95%.
std::pair<double, double> wilsonInterval(double clicks, double shows);

}  // namespace backdrop::ui
