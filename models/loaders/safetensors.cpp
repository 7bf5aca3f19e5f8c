#include "models/loaders/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

namespace backdrop::models {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeInfo, 10> kDTypes{{
    {DType::F64, "F64", 8},
    {DType::F32, "F32", 4},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8},
    {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
}};

// The format allows up to 100 MB of header; anything larger is treated as corrupt rather than
// letting a hostile length make us allocate or parse gigabytes.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw SafetensorsError(origin + ": " + what);
}

std::vector<int64_t> parse_shape(const nlohmann::json& shape, const std::string& where) {
  if (!shape.is_array()) fail(where, "\"shape\" is not an array");
  std::vector<int64_t> dims;
  dims.reserve(shape.size());
  for (const auto& dim : shape) {
    if (!dim.is_number_unsigned()) fail(where, "\"shape\" has a dimension that is not a non-negative integer");
    const auto value = dim.get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) fail(where, "dimension too large");
    dims.push_back(static_cast<int64_t>(value));
  }
  return dims;
}

// Whether every partial product of the dimensions fits in int64, as TensorView::numel and libtorch
// compute them. A zero dimension makes the tensor empty but does not stop a product of the other
// dimensions from overflowing first, so zeros are skipped.
bool element_count_fits(const std::vector<int64_t>& shape) {
  uint64_t count = 1;
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (int64_t dim : shape) {
    const auto d = static_cast<uint64_t>(dim);
    if (d == 0) continue;
    if (count > kMax / d) return false;
    count *= d;
  }
  return true;
}

// Byte length of a tensor, or nullopt on overflow.
std::optional<uint64_t> byte_length(const std::vector<int64_t>& shape, std::size_t element_size) {
  uint64_t total = element_size;
  for (int64_t dim : shape) {
    const auto d = static_cast<uint64_t>(dim);
    if (d != 0 && total > std::numeric_limits<uint64_t>::max() / d) return std::nullopt;
    total *= d;
  }
  return total;
}

ParsedHeader::Entry parse_entry(const std::string& name, const nlohmann::json& value, uint64_t data_size,
                                const std::string& origin) {
  const std::string where = origin + ": tensor '" + name + "'";
  if (!value.is_object()) fail(where, "entry is not an object");
  const auto dtype_it = value.find("dtype");
  const auto shape_it = value.find("shape");
  const auto offsets_it = value.find("data_offsets");
  if (dtype_it == value.end() || shape_it == value.end() || offsets_it == value.end()) {
    fail(where, "entry needs \"dtype\", \"shape\" and \"data_offsets\"");
  }
  if (!dtype_it->is_string()) fail(where, "\"dtype\" is not a string");
  const auto dtype = dtype_from_name(dtype_it->get<std::string>());
  if (!dtype) fail(where, "unsupported dtype \"" + dtype_it->get<std::string>() + "\"");

  ParsedHeader::Entry entry{name, *dtype, parse_shape(*shape_it, where), 0, 0};
  const auto& offsets = *offsets_it;
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned()) {
    fail(where, "\"data_offsets\" must be two non-negative integers");
  }
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.begin > entry.end || entry.end > data_size) {
    fail(where, "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                    "] outside the data area of " + std::to_string(data_size) + " bytes");
  }
  const auto expected = byte_length(entry.shape, dtype_size(*dtype));
  if (!expected || *expected != entry.end - entry.begin) {
    fail(where, "holds " + std::to_string(entry.end - entry.begin) + " bytes, but its shape and dtype need " +
                    (expected ? std::to_string(*expected) : std::string("more than 2^64")));
  }
  // Checked after the byte length, which only an empty tensor can pass with such a shape.
  if (!element_count_fits(entry.shape)) fail(where, "\"shape\" has more than 2^63 elements");
  return entry;
}

void check_no_overlap(std::vector<ParsedHeader::Entry> entries, const std::string& origin) {
  // Empty tensors occupy no bytes and cannot overlap anything. They are dropped before sorting:
  // skipping them in the loop instead would hide an overlap across an empty tensor placed between
  // two others ([0, 8], [4, 4], [5, 7]).
  std::erase_if(entries, [](const auto& entry) { return entry.begin == entry.end; });
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  // Sorted by start, non-empty ranges are disjoint exactly when each one ends before the next begins.
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const auto& previous = entries[i - 1];
    const auto& current = entries[i];
    if (current.begin < previous.end) {
      fail(origin, "tensors '" + previous.name + "' and '" + current.name + "' overlap");
    }
  }
}

std::map<std::string, std::string> parse_metadata(const nlohmann::json& value, const std::string& origin) {
  if (!value.is_object()) fail(origin, "\"__metadata__\" is not an object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail(origin, "metadata value '" + key + "' is not a string");
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string_view dtype_name(DType dtype) {
  for (const auto& info : kDTypes) {
    if (info.dtype == dtype) return info.name;
  }
  return "?";
}

std::size_t dtype_size(DType dtype) {
  for (const auto& info : kDTypes) {
    if (info.dtype == dtype) return info.size;
  }
  return 0;
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& info : kDTypes) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

int64_t TensorView::numel() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

ParsedHeader parse_safetensors_header(std::string_view header_json, uint64_t data_size, const std::string& origin) {
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(header_json.begin(), header_json.end());
  } catch (const nlohmann::json::exception& error) {
    fail(origin, std::string("header is not valid JSON: ") + error.what());
  }
  if (!header.is_object()) fail(origin, "header is not a JSON object");

  ParsedHeader parsed;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      parsed.metadata = parse_metadata(value, origin);
    } else {
      parsed.entries.push_back(parse_entry(name, value, data_size, origin));
    }
  }
  check_no_overlap(parsed.entries, origin);
  return parsed;
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
  const std::string origin = path.string();
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(origin, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) fail(origin, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(origin, "not a regular file");
  const auto file_size = static_cast<uint64_t>(info.st_size);
  if (file_size < 8) fail(origin, "truncated: " + std::to_string(file_size) + " bytes, a header length needs 8");

  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  void* mapping = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (mapping == MAP_FAILED) fail(origin, std::string("cannot map: ") + std::strerror(errno));
  file->data_ = static_cast<const std::byte*>(mapping);
  file->size_ = file_size;
  file->mapped_ = true;
  file->index_content();
  return file;
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::from_buffer(std::vector<std::byte> bytes,
                                                                    const std::string& origin) {
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = origin;
  file->buffer_ = std::move(bytes);
  file->data_ = file->buffer_.data();
  file->size_ = file->buffer_.size();
  file->index_content();
  return file;
}

void SafetensorsFile::index_content() {
  const std::string origin = path_.string();
  const uint64_t content_size = size_;
  if (content_size < 8) fail(origin, "truncated: " + std::to_string(content_size) + " bytes, a header length needs 8");
  uint64_t header_size = 0;
  std::memcpy(&header_size, data_, sizeof header_size);  // little-endian hosts only
  if (header_size > kMaxHeaderBytes) fail(origin, "header length " + std::to_string(header_size) + " is implausible");
  if (header_size > content_size - 8) {
    fail(origin, "truncated: header length " + std::to_string(header_size) + " exceeds the file size " +
                     std::to_string(content_size));
  }
  const std::string_view header_json(reinterpret_cast<const char*>(data_ + 8), header_size);
  const uint64_t data_offset = 8 + header_size;
  const uint64_t data_size = content_size - data_offset;
  auto parsed = parse_safetensors_header(header_json, data_size, origin);

  metadata_ = std::move(parsed.metadata);
  const std::byte* data = data_ + data_offset;
  for (auto& entry : parsed.entries) {
    TensorView view{entry.name, entry.dtype, std::move(entry.shape),
                    std::span<const std::byte>(data + entry.begin, entry.end - entry.begin)};
    tensors_.emplace(entry.name, std::move(view));
  }
}

SafetensorsFile::~SafetensorsFile() {
  if (mapped_) ::munmap(const_cast<std::byte*>(data_), size_);
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> result;
  result.reserve(tensors_.size());
  for (const auto& [name, view] : tensors_) result.push_back(name);
  return result;
}

bool SafetensorsFile::contains(const std::string& name) const { return tensors_.count(name) != 0; }

const TensorView& SafetensorsFile::tensor(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) fail(path_.string(), "no tensor named '" + name + "'");
  return it->second;
}

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorToWrite*> sorted;
  for (const auto& tensor : tensors) sorted.push_back(&tensor);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->name < b->name; });

  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto* tensor : sorted) {
    const auto expected = byte_length(tensor->shape, dtype_size(tensor->dtype));
    if (!expected || *expected != tensor->bytes.size()) {
      fail(path.string(), "tensor '" + tensor->name + "' has a byte length that does not match its shape");
    }
    header[tensor->name] = {{"dtype", dtype_name(tensor->dtype)},
                            {"shape", tensor->shape},
                            {"data_offsets", {offset, offset + tensor->bytes.size()}}};
    offset += tensor->bytes.size();
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  const auto temporary = std::filesystem::path(path.string() + ".partial");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail(path.string(), "cannot write");
    const uint64_t header_size = header_text.size();
    out.write(reinterpret_cast<const char*>(&header_size), sizeof header_size);
    out.write(header_text.data(), static_cast<std::streamsize>(header_text.size()));
    for (const auto* tensor : sorted) {
      out.write(reinterpret_cast<const char*>(tensor->bytes.data()), static_cast<std::streamsize>(tensor->bytes.size()));
    }
    if (!out.flush()) fail(path.string(), "write failed");
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace backdrop::models
