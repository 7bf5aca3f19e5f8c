// Layout rules and placement lists come from files and settings people edit: every defect is an
// ImageError that says what is wrong (findings of fuzz_layouts).

#include <doctest/doctest.h>

#include <string>

#include "core/imaging/image_error.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/placement.h"

using namespace backdrop::imaging;

namespace {

std::string rules_error(const std::string& json) {
  try {
    (void)parse_layout_rules(json, "rules.json");
  } catch (const ImageError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("layout rules with a number beyond double's range are not valid JSON") {
  const auto error = rules_error(R"({"default": {"fill": 1e309}})");
  CHECK(error.rfind("rules.json: not valid JSON: ", 0) == 0);
  CHECK(error.find("number overflow") != std::string::npos);
}
