#pragma once
// The .tar of a bundle folder (POSIX ustar/pax through libarchive), for targets that move one
// file rather than a folder. Entries are "<top folder>/<path>" in sorted order.

#include <filesystem>
#include <string>

namespace backdrop::exporting {

// Writes every regular file under `folder` into `tar_file` under `top_folder/`. Throws
// BundleError naming the file and libarchive's message.
void write_bundle_tar(const std::filesystem::path& folder, const std::string& top_folder,
                      const std::filesystem::path& tar_file);

}  // namespace backdrop::exporting
