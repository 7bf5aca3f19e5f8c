#pragma once
// The content-addressed image cache: a variant's image lives at <root>/<key[0:2]>/<key>.png.
// Images are rendered under a temporary name in the same folder and published by an fsynced
// rename, so a visible cache file is always complete, and a file that exists never needs
// rendering again. Temporary names carry host and process id, so the temporaries of a killed
// process can be told from those of a live one (several workers may share one cache folder).

#include <filesystem>
#include <string>

namespace backdrop {

class CacheStore {
 public:
  // Creates the folder when missing.
  explicit CacheStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  // "<key[0:2]>/<key>.png": what variants store, so a moved or shared cache folder still works.
  static std::string relative_path(const std::string& key);
  std::filesystem::path path_for(const std::string& key) const;
  bool contains(const std::string& key) const;

  // A fresh temporary name for rendering `key`, unique per process and call.
  std::filesystem::path temporary_path(const std::string& key) const;
  // Makes a finished temporary visible as the key's file (fsync, rename, fsync folder).
  void publish(const std::filesystem::path& temporary, const std::string& key) const;

  // Deletes temporaries left by processes of this host that no longer run; returns how many.
  int remove_abandoned_temporaries() const;

 private:
  std::filesystem::path root_;
};

}  // namespace backdrop
