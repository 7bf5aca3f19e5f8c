#pragma once
// Bundles held in memory for the serving tests: one category from the synthetic spec, with a
// version name, so tests build exactly the variation they need.

#include <memory>
#include <string>

#include "core/export/bundle.h"
#include "core/serving/synthetic_bundle.h"

namespace backdrop::serving::testing {

inline std::shared_ptr<const exporting::Bundle> bundle_of(const std::string& version,
                                                          const exporting::CategoryBundle& category) {
  auto bundle = std::make_shared<exporting::Bundle>();
  bundle->manifest.version = version;
  bundle->categories[category.category] = category;
  return bundle;
}

inline std::shared_ptr<const exporting::Bundle> bundle_of(const std::string& version,
                                                          const SyntheticCategorySpec& spec) {
  return bundle_of(version, synthetic_category(spec));
}

}  // namespace backdrop::serving::testing
