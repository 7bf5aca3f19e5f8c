// libFuzzer target for the prompt library: parse_prompt_library (what load_prompt_library runs on
// a library file), then fill_prompt on every template it accepted, as generation fills them with a
// product's values. Only std::invalid_argument may come out.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/backgrounds/prompt_library.h"
#include "fuzz_support.h"

using namespace backdrop::backgrounds;
using backdrop::fuzz::require;

namespace {

void fill(const PromptTemplate& entry) {
  const PromptValues values{"a mug", "kitchen", "sage green"};
  backdrop::fuzz::expect_only<std::invalid_argument>([&] {
    (void)fill_prompt(entry.prompt, values);
    (void)fill_prompt(entry.negative_prompt, values);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  backdrop::fuzz::expect_only<std::invalid_argument>([&] {
    const auto library = parse_prompt_library(std::string(backdrop::fuzz::as_text(data, size)), "fuzz.json");
    require(!library.defaults.empty());
    for (const auto& entry : library.defaults) fill(entry);
    for (const auto& [category, entries] : library.categories) {
      require(!library.for_category(category).empty());
      for (const auto& entry : entries) fill(entry);
    }
  });
  return 0;
}
