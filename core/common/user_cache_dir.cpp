#include "core/common/user_cache_dir.h"

#include "core/common/environment_path.h"

namespace backdrop {

std::optional<std::filesystem::path> user_cache_dir() {
  if (auto folder = environment_path("BACKDROP_CACHE_DIR")) return folder;
  if (auto folder = environment_path("XDG_CACHE_HOME")) return *folder / "backdrop";
  if (auto home = environment_path("HOME")) return *home / ".cache" / "backdrop";
  return std::nullopt;
}

}  // namespace backdrop
