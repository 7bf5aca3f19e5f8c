#pragma once
// A small project for job tests: products with fake image files, and its planned variants.

#include <filesystem>
#include <string>
#include <vector>

#include "core/generation/variant_inputs.h"

namespace backdrop::test {

// Creates `folder/p.backdrop` with `products` products in two categories; returns its path.
std::filesystem::path make_job_project(const std::filesystem::path& folder, int products);

// The variants of that project: every product with `seeds` seeds at the default settings.
std::vector<VariantInputs> plan_job(const std::filesystem::path& project_file, int seeds);

// Every file under the cache folder, as paths relative to it.
std::vector<std::string> cache_files(const std::filesystem::path& cache_dir);

}  // namespace backdrop::test
