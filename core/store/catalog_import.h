#pragma once
// Bringing a catalogue into a project, from a CSV (any column mapping) or from a folder of
// images. Re-importing updates products in place, so their variants and reviews stay. Rows with
// missing files or bad values are reported with their line numbers and skipped.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/cancellation.h"

namespace backdrop {

class Project;

struct ImportReport {
  int64_t added = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  std::vector<CatalogIssue> issues;  // line 0: a file in a folder import
};

ImportReport import_catalog_csv(Project& project, const std::filesystem::path& csv, const CatalogColumns& columns = {},
                                const ProgressSink& progress = {});

// Every image file (by extension) directly in `folder` becomes a product: id and title from the
// file name, the given category (or the folder's name when empty).
ImportReport import_image_folder(Project& project, const std::filesystem::path& folder,
                                 const std::string& category = {}, const ProgressSink& progress = {});

}  // namespace backdrop
