#pragma once
// Where an ad placement puts the product when it departs from the category's layout rule. Each
// part left unset is the rule's, so a placement can, say, shrink the product and keep the rule's
// anchor. Kept free of OpenCV so that the store can hold it.

#include <optional>
#include <string>

namespace backdrop::imaging {

struct ProductPosition {
  std::optional<double> x;      // centre of the product's box, as a share of the canvas width
  std::optional<double> y;      // centre of the product's box, as a share of the canvas height
  std::optional<double> scale;  // share of the canvas the box fills on its limiting side, (0, 1]

  bool empty() const { return !x && !y && !scale; }
  bool operator==(const ProductPosition&) const = default;
};

// What is wrong with a position ("x 1.2 is outside 0..1"), or nothing.
std::optional<std::string> position_problem(const ProductPosition& position);

}  // namespace backdrop::imaging
