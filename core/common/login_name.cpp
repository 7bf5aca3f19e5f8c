#include "core/common/login_name.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace backdrop {

std::string login_name() {
  for (const char* variable : {"USER", "LOGNAME"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  // getpwuid_r, not getpwuid: the Studio asks from pool threads.
  passwd entry{};
  passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(getuid(), &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr && *found->pw_name != '\0') {
    return found->pw_name;
  }
  return "reviewer";
}

}  // namespace backdrop
