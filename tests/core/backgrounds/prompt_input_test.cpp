// A prompt library is a file people edit: every defect is a std::invalid_argument naming the file
// (findings of fuzz_prompt_library).

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "core/backgrounds/prompt_library.h"

using namespace backdrop::backgrounds;

namespace {

std::string library_error(const std::string& json) {
  try {
    (void)parse_prompt_library(json, "prompts.json");
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a library with a number beyond double's range is not valid JSON") {
  const auto error = library_error(R"({"default": [{"id": "a", "prompt": "x"}], "weight": 1e309})");
  CHECK(error.rfind("prompts.json: ", 0) == 0);
  CHECK(error.find("number overflow") != std::string::npos);
}
