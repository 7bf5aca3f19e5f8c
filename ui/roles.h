#pragma once
// Item data roles shared by the models and views of the studio.

#include <Qt>

namespace backdrop::ui {

inline constexpr int kProductIdRole = Qt::UserRole + 1;
inline constexpr int kCategoryRole = Qt::UserRole + 2;
inline constexpr int kImagePathRole = Qt::UserRole + 3;
inline constexpr int kSearchTextRole = Qt::UserRole + 4;
inline constexpr int kSortKeyRole = Qt::UserRole + 5;   // the key of the chosen sort order
inline constexpr int kStatusRole = Qt::UserRole + 6;    // ProductStatus flags / VariantStatus text
inline constexpr int kVariantIdRole = Qt::UserRole + 7;
inline constexpr int kArtifactScoreRole = Qt::UserRole + 8;
inline constexpr int kTitleRole = Qt::UserRole + 9;
inline constexpr int kAttentionRole = Qt::UserRole + 10;  // the product's mask needs attention (bool)

}  // namespace backdrop::ui
