#include "core/generation/cache_store.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <sstream>
#include <vector>

#include "core/store/durable_file.h"
#include "core/store/store_error.h"

namespace backdrop {
namespace {

// Temporaries: ".tmp~<host>~<pid>~<serial>~<key>.png" (hostnames never contain '~').
constexpr const char* kTemporaryPrefix = ".tmp~";

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name) != 0) return "localhost";
  return name;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(part);
  return parts;
}

bool process_is_running(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

CacheStore::CacheStore(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code error;
  std::filesystem::create_directories(root_, error);
  if (error) throw StoreError(root_.string() + ": create cache folder: " + error.message());
}

std::string CacheStore::relative_path(const std::string& key) {
  if (key.size() < 3) throw StoreError("cache: invalid variant key '" + key + "'");
  return key.substr(0, 2) + "/" + key + ".png";
}

std::filesystem::path CacheStore::path_for(const std::string& key) const { return root_ / relative_path(key); }

bool CacheStore::contains(const std::string& key) const { return std::filesystem::is_regular_file(path_for(key)); }

std::filesystem::path CacheStore::temporary_path(const std::string& key) const {
  static std::atomic<long> serial{0};
  const auto folder = path_for(key).parent_path();
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw StoreError(folder.string() + ": create cache folder: " + error.message());
  return folder / (kTemporaryPrefix + host_name() + "~" + std::to_string(::getpid()) + "~" +
                   std::to_string(serial.fetch_add(1)) + "~" + key + ".png");
}

void CacheStore::publish(const std::filesystem::path& temporary, const std::string& key) const {
  publish_file(temporary, path_for(key));
}

int CacheStore::remove_abandoned_temporaries() const {
  const auto host = host_name();
  int removed = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root_)) {
    const auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.rfind(kTemporaryPrefix, 0) != 0) continue;
    const auto parts = split(name, '~');
    if (parts.size() != 5 || parts[1] != host) continue;  // another machine's: not ours to judge
    long pid = 0;
    try {
      pid = std::stol(parts[2]);
    } catch (const std::exception&) {
      continue;
    }
    if (pid != ::getpid() && !process_is_running(pid)) {
      std::filesystem::remove(entry.path());
      ++removed;
    }
  }
  return removed;
}

}  // namespace backdrop
