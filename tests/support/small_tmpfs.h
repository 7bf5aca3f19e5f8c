#pragma once
// A small tmpfs mounted by a test, to run an operation on a full file system ("a full disk loses
// nothing"). Mounting needs root (CI runs as root); where it is not possible the test exits with
// kSkipReturnCode (its SKIP_RETURN_CODE in CMake) and says why.
//
//   int main(int argc, char** argv) { return test::run_with_small_tmpfs<FullDiskTest>(argc, argv); }
//   ...
//   test::SmallTmpfs disk(test::scratch_dir("x") / "disk", 4 << 20);
//   write the previous state; disk.fill(); run the operation; check; disk.release();

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QtTest>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace backdrop::test {

constexpr int kSkipReturnCode = 77;

class SmallTmpfs {
 public:
  // Mounts a tmpfs of `bytes` at `mount_point` (created when missing). Throws when mounting fails.
  SmallTmpfs(std::filesystem::path mount_point, std::size_t bytes) : path_(std::move(mount_point)) {
    std::filesystem::create_directories(path_);
    const auto options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      throw std::runtime_error(path_.string() + ": mount tmpfs: " + std::strerror(errno));
    }
  }
  ~SmallTmpfs() {
    // MNT_DETACH: a file a failed test left open must not keep the mount alive.
    ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes a filler file until the file system has no byte left (first in large blocks, then one
  // byte at a time, so that not even a partly used page has room left).
  void fill() {
    std::FILE* file = std::fopen(filler().c_str(), "wb");
    if (file == nullptr) throw std::runtime_error(filler().string() + ": cannot create");
    std::setvbuf(file, nullptr, _IONBF, 0);
    const std::vector<char> block(64 * 1024, 'x');
    for (std::size_t size = block.size(); size >= 1; size /= 2) {
      while (std::fwrite(block.data(), 1, size, file) == size) {
      }
      std::clearerr(file);
    }
    std::fclose(file);
  }
  // Frees the space fill() took.
  void release() { std::filesystem::remove(filler()); }

  // The regular files under the mount (paths relative to it), the filler left out.
  std::set<std::string> files() const {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path_)) {
      if (entry.is_regular_file() && entry.path() != filler())
        names.insert(std::filesystem::relative(entry.path(), path_).string());
    }
    return names;
  }

 private:
  std::filesystem::path filler() const { return path_ / ".filler"; }
  std::filesystem::path path_;
};

// Whether this process may mount a tmpfs; `why_not` says why when it may not. Called first thing
// in main(): it moves the process into a mount namespace of its own (private propagation), so the
// test's mounts disappear with the process even when it crashes.
inline bool can_mount_tmpfs(std::string& why_not) {
  if (::geteuid() != 0) {
    why_not = "mounting a tmpfs needs root";
    return false;
  }
  if (::unshare(CLONE_NEWNS) == 0) ::mount("none", "/", "none", MS_REC | MS_PRIVATE, nullptr);
  char pattern[] = "/tmp/backdrop-tmpfs-probe-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    why_not = std::string("cannot create a mount point: ") + std::strerror(errno);
    return false;
  }
  const bool mounted = ::mount("tmpfs", pattern, "tmpfs", 0, "size=64k") == 0;
  if (!mounted) why_not = std::string("mount -t tmpfs: ") + std::strerror(errno);
  if (mounted) ::umount2(pattern, MNT_DETACH);
  ::rmdir(pattern);
  return mounted;
}

// main() of a QtTest full-disk test: skips the whole test (kSkipReturnCode) when no tmpfs can be
// mounted here, otherwise runs the test object's slots.
template <typename TestObject>
int run_with_small_tmpfs(int argc, char** argv) {
  std::string why_not;
  if (!can_mount_tmpfs(why_not)) {
    std::printf("SKIP: %s (the full-disk checks need a tmpfs of their own)\n", why_not.c_str());
    return kSkipReturnCode;
  }
  QCoreApplication application(argc, argv);
  TestObject test;
  return QTest::qExec(&test, argc, argv);
}

}  // namespace backdrop::test
