#include "ui/bandit_plots.h"

#include <algorithm>

#include <qcustomplot.h>

namespace backdrop::ui {

QCustomPlot* makePlot(const QString& objectName, const QString& title) {
  auto* plot = new QCustomPlot;
  plot->setObjectName(objectName);
  plot->setMinimumHeight(200);
  plot->plotLayout()->insertRow(0);
  plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont("sans", 10, QFont::Bold)));
  return plot;
}

void setCategoryTicks(QCustomPlot* plot, const QStringList& names) {
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int i = 0; i < names.size(); ++i) ticker->addTick(i + 1, names[i]);
  plot->xAxis->setTicker(ticker);
  plot->xAxis->setRange(0.3, names.size() + 0.7);
}

void addPointsWithIntervals(QCustomPlot* plot, const QString& name, const QColor& colour, double offset,
                            const QVector<PointWithInterval>& points) {
  QVector<double> x, y, below, above;
  for (int i = 0; i < points.size(); ++i) {
    x << i + 1 + offset;
    y << points[i].value;
    below << std::max(0.0, points[i].value - points[i].low);
    above << std::max(0.0, points[i].high - points[i].value);
  }
  QCPGraph* graph = plot->addGraph();
  graph->setName(name);
  graph->setData(x, y);
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 8));
  auto* errors = new QCPErrorBars(plot->xAxis, plot->yAxis);
  errors->removeFromLegend();
  errors->setDataPlottable(graph);
  errors->setData(below, above);
  errors->setPen(QPen(colour, 1.5));
}

void addBars(QCustomPlot* plot, const QVector<double>& values, const QColor& colour, const QVector<double>& below,
             const QVector<double>& above) {
  QVector<double> positions;
  for (int i = 0; i < values.size(); ++i) positions << i + 1;
  auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
  bars->setData(positions, values);
  bars->setBrush(colour);
  if (below.isEmpty()) return;
  auto* errors = new QCPErrorBars(plot->xAxis, plot->yAxis);
  errors->setDataPlottable(bars);
  errors->setData(below, above);
}

void addLevel(QCustomPlot* plot, const QString& name, double level, int categories) {
  QCPGraph* line = plot->addGraph();
  line->setName(name);
  line->setData(QVector<double>{0.3, categories + 0.7}, QVector<double>{level, level});
  line->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
}

}  // namespace backdrop::ui
