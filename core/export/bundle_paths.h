#pragma once
// The rule for every path a bundle names: relative, '/'-separated, no "." or ".." parts, and once
// resolved (symbolic links included) still inside the bundle's folder. A bundle comes from a
// shared folder that anyone might have written to, so nothing it names may reach outside it.

#include <filesystem>
#include <string>
#include <string_view>

namespace backdrop::exporting {

// Empty when `path` is a well-formed bundle path, otherwise why it is not.
std::string bundle_path_problem(std::string_view path);

// The file `relative` names inside `root` (a canonical folder). Throws BundleError naming the
// path when it is malformed, does not exist, is not a regular file, or resolves outside `root`.
std::filesystem::path resolve_bundle_file(const std::filesystem::path& root, const std::string& relative);

// Whether the version name can be a folder name of its own: non-empty, no '/', '\\', no leading
// '.', only letters, digits and "-_.+".
bool is_valid_version_name(std::string_view version);

}  // namespace backdrop::exporting
