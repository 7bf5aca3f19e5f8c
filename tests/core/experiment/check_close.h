#pragma once
// A QtTest check that two numbers agree within an absolute tolerance, naming both on failure.

#include <QtTest>

#include <cmath>

inline void check_close(double actual, double expected, double tolerance) {
  if (std::abs(actual - expected) > tolerance) {
    QFAIL(qPrintable(QString("%1 differs from %2 by more than %3")
                         .arg(actual, 0, 'g', 12)
                         .arg(expected, 0, 'g', 12)
                         .arg(tolerance)));
  }
}
