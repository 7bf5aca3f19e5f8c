#include "core/common/data_files.h"

#include "core/common/environment_path.h"

namespace backdrop {
namespace {

// The installed share/backdrop folder beside the running program's bin/ folder. /proc/self/exe
// resolves symbolic links, so a link to the program elsewhere still finds the real installation.
std::optional<std::filesystem::path> share_folder_beside_executable() {
  std::error_code error;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  return executable.parent_path().parent_path() / "share" / "backdrop";
}

}  // namespace

std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative, const char* file_variable) {
  if (auto file = environment_path(file_variable)) return file;
  for (const auto& folder : {environment_path("BACKDROP_DATA_DIR"), share_folder_beside_executable()}) {
    if (!folder) continue;
    const auto candidate = *folder / relative;
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
  }
  return std::nullopt;
}

}  // namespace backdrop
