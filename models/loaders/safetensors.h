#pragma once
// Reader for the safetensors format: a u64 little-endian header length N, N bytes of JSON header,
// then the raw little-endian tensor data. The file is memory-mapped and every tensor is a view of
// the mapping, so a 4 GB checkpoint is never copied; the header is validated completely before any
// tensor is handed out, so a corrupt or hostile file is an error, never an out-of-bounds read.
//
// This header has no libtorch dependency (the bandit engine reads its fixture arrays with it);
// `torch_tensors.h` turns the views into torch::Tensor.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace backdrop::models {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

std::string_view dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);
std::optional<DType> dtype_from_name(std::string_view name);

class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::span<const std::byte> bytes;  // into the mapping; valid while the file object lives

  int64_t numel() const;
};

// Parses and validates a header (the bytes after the u64 length) against a data area of
// `data_size` bytes. Exposed on its own so that it can be fuzzed without files.
struct ParsedHeader {
  struct Entry {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    uint64_t begin;
    uint64_t end;
  };
  std::vector<Entry> entries;  // sorted by name
  std::map<std::string, std::string> metadata;
};
ParsedHeader parse_safetensors_header(std::string_view header_json, uint64_t data_size,
                                      const std::string& origin);

class SafetensorsFile {
 public:
  // Maps and validates `path`; throws SafetensorsError naming the file (and tensor) on any defect.
  static std::shared_ptr<const SafetensorsFile> open(const std::filesystem::path& path);
  // The same validation over bytes already in memory (the whole file's content); the object owns
  // them. `origin` names the data in error messages and is what path() returns.
  static std::shared_ptr<const SafetensorsFile> from_buffer(std::vector<std::byte> bytes, const std::string& origin);

  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;
  // Throws SafetensorsError when the tensor is absent.
  const TensorView& tensor(const std::string& name) const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  // Every byte of the file (header included), as mapped or held; the views point into it.
  std::span<const std::byte> content() const { return {data_, size_}; }

 private:
  SafetensorsFile() = default;
  // Validates the header of the content in [data_, data_ + size_) and indexes its tensors.
  void index_content();

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;  // the whole content: the mapping or buffer_
  std::size_t size_ = 0;
  bool mapped_ = false;
  std::vector<std::byte> buffer_;    // the content when it came from memory
  std::map<std::string, std::string> metadata_;
  std::map<std::string, TensorView> tensors_;
};

// Writes tensors in the safetensors layout (header keys sorted, padded with spaces to 8 bytes).
// Used by tests and by tools that save state; the data is written to a temporary name and renamed.
struct TensorToWrite {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  std::span<const std::byte> bytes;
};
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace backdrop::models
