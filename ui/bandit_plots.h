#pragma once
// The Bandit tab's charts, drawn with QCustomPlot: a titled plot, categories along x (arms or
// policies), points or bars with 95% interval bars, and a reference level.

#include <QColor>
#include <QString>
#include <QStringList>
#include <QVector>

class QCustomPlot;

namespace backdrop::ui {

struct PointWithInterval {
  double value = 0, low = 0, high = 0;
};

QCustomPlot* makePlot(const QString& objectName, const QString& title);
// Categories at x = 1, 2, ... labelled `names`.
void setCategoryTicks(QCustomPlot* plot, const QStringList& names);
// One point per category at x = k + 1 + offset, with its interval as error bars.
void addPointsWithIntervals(QCustomPlot* plot, const QString& name, const QColor& colour, double offset,
                            const QVector<PointWithInterval>& points);
// Bars at x = 1, 2, ..., with error bars where intervals are given.
void addBars(QCustomPlot* plot, const QVector<double>& values, const QColor& colour, const QVector<double>& below = {},
             const QVector<double>& above = {});
// A dashed horizontal line across `categories` categories.
void addLevel(QCustomPlot* plot, const QString& name, double level, int categories);

}  // namespace backdrop::ui
