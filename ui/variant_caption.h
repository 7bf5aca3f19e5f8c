#pragma once
// What the review grid says under a variant's thumbnail: its review state first (status, stars,
// flag reason), then what tells it apart from its neighbours (prompt, placement, colour, seed,
// artifact score). The tooltip lists every planned input, in core's words (variant_description.h).

#include <QString>

class QFontMetrics;

namespace backdrop {
struct StoredVariant;
}

namespace backdrop::ui {

struct VariantCaption {
  QString state;  // "approved ★★★", "flagged: halo", "generated"
  QString text;   // the whole caption, state first, one line per fact
  QString toolTip;
};

// `metrics` and `width`: the prompt line is elided to the thumbnail cell.
VariantCaption variantCaption(const StoredVariant& variant, const QFontMetrics& metrics, int width);

}  // namespace backdrop::ui
