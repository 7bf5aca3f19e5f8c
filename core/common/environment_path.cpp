#include "core/common/environment_path.h"

#include <cstdlib>

namespace backdrop {

std::optional<std::filesystem::path> environment_path(const char* variable) {
  if (variable == nullptr) return std::nullopt;
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::filesystem::path(value);
}

}  // namespace backdrop
