#pragma once
// "1 product", "3 products". Qt's tr("%n product(s)", nullptr, n) needs a translation file with
// plural forms to drop the "(s)"; the Studio ships none, so counts are worded here.

#include <QString>

namespace backdrop::ui {

// `one` and `many` hold %1 for the count: countText(n, tr("%1 product"), tr("%1 products")).
inline QString countText(qint64 count, const QString& one, const QString& many) {
  return (count == 1 ? one : many).arg(count);
}

}  // namespace backdrop::ui
