#pragma once
// Paths given by environment variables, where an empty value counts as unset (as shells and
// launchers often pass `VAR=`).

#include <filesystem>
#include <optional>

namespace backdrop {

// The path `variable` names; empty when `variable` is null, unset or set to "".
std::optional<std::filesystem::path> environment_path(const char* variable);

}  // namespace backdrop
