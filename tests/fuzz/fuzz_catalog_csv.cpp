// libFuzzer target for the catalogue CSV: read_catalog_csv on the input written to a scratch
// file, as an import reads a user's catalog.csv. Only CatalogError may come out; a catalogue that
// is read has products with distinct, non-empty ids and issues with line numbers.

#include <cstddef>
#include <cstdint>
#include <set>

#include "core/catalog/catalog.h"
#include "fuzz_support.h"

using backdrop::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto csv = backdrop::fuzz::write_scratch_file("catalog.csv", data, size);
  backdrop::fuzz::expect_only<backdrop::CatalogError>([&] {
    const auto catalog = backdrop::read_catalog_csv(csv);
    std::set<std::string> ids;
    for (const auto& product : catalog.products) {
      require(!product.id.empty() && ids.insert(product.id).second && product.line >= 2);
    }
    for (const auto& issue : catalog.issues) require(issue.line >= 1 && !issue.message.empty());
  });
  return 0;
}
