#pragma once
// The yellow notice strip the studio shows above a view when something limits what it can do
// (e.g. no diffusion weights configured).

#include <QLabel>

namespace backdrop::ui {

inline QLabel* makeBanner(const QString& objectName) {
  auto* banner = new QLabel;
  banner->setObjectName(objectName);
  banner->setWordWrap(true);
  banner->setStyleSheet("background: #fff4d6; border: 1px solid #e0b84c; padding: 8px; color: #5a4300;");
  return banner;
}

}  // namespace backdrop::ui
