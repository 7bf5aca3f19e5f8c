#include "core/export/bundle_tar.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include <archive.h>
#include <archive_entry.h>

#include "core/export/bundle.h"

namespace backdrop::exporting {
namespace {

struct ArchiveDeleter {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct EntryDeleter {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

void check(archive* handle, int status, const std::filesystem::path& tar_file, const std::string& what) {
  if (status < ARCHIVE_WARN) {
    const char* message = archive_error_string(handle);
    throw BundleError(tar_file.string() + ": " + what + ": " + (message ? message : "libarchive error"));
  }
}

std::vector<std::filesystem::path> sorted_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && !entry.is_symlink()) files.push_back(entry.path().lexically_relative(folder));
  }
  std::sort(files.begin(), files.end());
  return files;
}

void add_file(archive* handle, const std::filesystem::path& source, const std::string& name,
              const std::filesystem::path& tar_file) {
  std::ifstream in(source, std::ios::binary);
  if (!in) throw BundleError(source.string() + ": cannot read for the tar");
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(std::filesystem::file_size(source)));
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  check(handle, archive_write_header(handle, entry.get()), tar_file, name);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto count = in.gcount();
    if (count > 0 && archive_write_data(handle, buffer.data(), static_cast<size_t>(count)) != count) {
      check(handle, ARCHIVE_FATAL, tar_file, name);
    }
  }
}

}  // namespace

void write_bundle_tar(const std::filesystem::path& folder, const std::string& top_folder,
                      const std::filesystem::path& tar_file) {
  std::unique_ptr<archive, ArchiveDeleter> handle(archive_write_new());
  check(handle.get(), archive_write_set_format_pax_restricted(handle.get()), tar_file, "format");
  check(handle.get(), archive_write_open_filename(handle.get(), tar_file.c_str()), tar_file, "open");
  for (const auto& relative : sorted_files(folder)) {
    add_file(handle.get(), folder / relative, top_folder + "/" + relative.generic_string(), tar_file);
  }
  check(handle.get(), archive_write_close(handle.get()), tar_file, "close");
}

}  // namespace backdrop::exporting
