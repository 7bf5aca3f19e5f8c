#include "core/export/bundle_paths.h"

#include <algorithm>
#include <cctype>

#include "core/export/bundle.h"

namespace backdrop::exporting {
namespace {

bool is_inside(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  const auto [root_end, candidate_it] = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  return root_end == root.end() && candidate_it != candidate.end();
}

}  // namespace

std::string bundle_path_problem(std::string_view path) {
  if (path.empty()) return "the path is empty";
  if (path.front() == '/') return "the path is absolute";
  if (path.find('\\') != std::string_view::npos) return "the path contains a backslash";
  if (path.find('\0') != std::string_view::npos) return "the path contains a NUL byte";
  if (path.size() >= 2 && path[1] == ':') return "the path starts with a drive letter";
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto part = path.substr(start, end - start);
    if (part.empty()) return "the path has an empty part ('//' or a trailing '/')";
    if (part == "..") return "the path contains '..'";
    if (part == ".") return "the path contains '.'";
    start = end + 1;
  }
  return {};
}

std::filesystem::path resolve_bundle_file(const std::filesystem::path& root, const std::string& relative) {
  if (const auto problem = bundle_path_problem(relative); !problem.empty()) {
    throw BundleError("'" + relative + "': " + problem + "; bundle paths stay inside the bundle");
  }
  const auto path = root / std::filesystem::path(relative);
  std::error_code error;
  auto resolved = std::filesystem::canonical(path, error);
  if (error) throw BundleError("'" + relative + "': missing (" + error.message() + ")");
  if (!is_inside(root, resolved)) {
    throw BundleError("'" + relative + "': resolves outside the bundle (a symbolic link to " + resolved.string() + ")");
  }
  if (!std::filesystem::is_regular_file(resolved)) throw BundleError("'" + relative + "': not a regular file");
  return resolved;
}

bool is_valid_version_name(std::string_view version) {
  if (version.empty() || version.front() == '.' || version.size() > 128) return false;
  return std::all_of(version.begin(), version.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '+';
  });
}

}  // namespace backdrop::exporting
