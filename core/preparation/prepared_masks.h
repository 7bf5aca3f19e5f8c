#pragma once
// `backdrop prepare --project FILE` keeps what it made for the project's products where the Studio
// and generation look for it: each written mask is copied to the project's mask file
// (imaging::product_mask_path) and its verdict recorded, exactly as the Studio's Prepare
// does. Products of the catalogue that are not in the project are left alone.

#include <cstddef>

#include "core/imaging/prepare_products.h"

namespace backdrop {

class Project;

// Returns how many products' masks and verdicts were recorded. Throws StoreError or
// std::filesystem::filesystem_error (naming the file) when the project cannot take them.
size_t record_prepared_masks(Project& project, const imaging::PrepareSummary& summary);

}  // namespace backdrop
