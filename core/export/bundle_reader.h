#pragma once
// Loading a bundle folder and verifying it before anything serves from it.

#include <filesystem>

#include "core/export/bundle.h"

namespace backdrop::exporting {

// Reads <folder>/manifest.json and every category file it names, and verifies the whole folder:
// the format tag and schema version, each listed file's path (relative, no "..", no backslash,
// never resolving outside the folder, symbolic links included), its size and its SHA-256, that
// the category files and every image a category names are listed, and that the folder holds no
// file the manifest does not list (a bundle is exactly what was verified).
// Throws BundleError naming the file and the key or problem.
Bundle load_bundle(const std::filesystem::path& folder);

}  // namespace backdrop::exporting
