#pragma once
// Where Backdrop's data files (layout rules, prompt library, schemas) are found at run time. The
// same lookup serves an installed package, a build tree and a checkout:
//   1. the file named by the environment variable `file_variable` (e.g. BACKDROP_PROMPTS), when set;
//   2. $BACKDROP_DATA_DIR/<relative>, when set (a checkout's resources/ folder has this layout);
//   3. <executable's folder>/../share/backdrop/<relative>: /usr/bin -> /usr/share/backdrop once
//      installed, build/app -> build/share/backdrop in a build tree (resources/CMakeLists.txt
//      copies the files there).

#include <filesystem>
#include <optional>

namespace backdrop {

// The path to read `relative` (e.g. "prompts/default.json") from. A path named by an environment
// variable is returned even when it does not exist, so that reading it fails with its name;
// otherwise empty when no candidate exists.
std::optional<std::filesystem::path> find_data_file(const std::filesystem::path& relative, const char* file_variable);

}  // namespace backdrop
