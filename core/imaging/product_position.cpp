#include "core/imaging/product_position.h"

#include <sstream>

namespace backdrop::imaging {
namespace {

std::string describe(const char* name, double value, const char* range) {
  std::ostringstream text;
  text << name << " " << value << " is outside " << range;
  return text.str();
}

}  // namespace

std::optional<std::string> position_problem(const ProductPosition& position) {
  // !(in range) rather than (out of range), so that NaN is refused too.
  if (position.x && !(*position.x >= 0 && *position.x <= 1)) return describe("x", *position.x, "0..1");
  if (position.y && !(*position.y >= 0 && *position.y <= 1)) return describe("y", *position.y, "0..1");
  if (position.scale && !(*position.scale > 0 && *position.scale <= 1)) {
    return describe("scale", *position.scale, "(0, 1]");
  }
  return std::nullopt;
}

}  // namespace backdrop::imaging
