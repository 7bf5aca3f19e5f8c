#pragma once
// Item data roles shared by the models and views of the catalogue.

#include <Qt>

namespace backdrop::ui {

inline constexpr int kProductIdRole = Qt::UserRole + 1;
inline constexpr int kCategoryRole = Qt::UserRole + 2;
inline constexpr int kImagePathRole = Qt::UserRole + 3;
inline constexpr int kSearchTextRole = Qt::UserRole + 4;

}  // namespace backdrop::ui
