// libFuzzer target for the safetensors reader. An input is either
//  - a header on its own (it starts with '{'): parse_safetensors_header against a data area of
//    kDataAreaBytes, or
//  - a whole file: SafetensorsFile::from_buffer, the same validation SafetensorsFile::open runs over
//    its memory map.
// Only SafetensorsError may come out. Everything the reader accepts is then checked against the
// guarantees it gives its users (views inside the content, sizes that match, no overlap); a broken
// guarantee traps, so libFuzzer reports it like a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/loaders/safetensors.h"

namespace {

using backdrop::models::dtype_size;
using backdrop::models::ParsedHeader;
using backdrop::models::SafetensorsError;
using backdrop::models::SafetensorsFile;

constexpr uint64_t kDataAreaBytes = 4096;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

void check_no_overlap(std::vector<std::pair<uint64_t, uint64_t>> ranges) {
  std::erase_if(ranges, [](const auto& range) { return range.first == range.second; });
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) require(ranges[i].first >= ranges[i - 1].second);
}

void check_header(const ParsedHeader& parsed) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& entry : parsed.entries) {
    require(entry.begin <= entry.end && entry.end <= kDataAreaBytes);
    ranges.emplace_back(entry.begin, entry.end);
  }
  check_no_overlap(std::move(ranges));
}

void check_file(const SafetensorsFile& file) {
  const std::byte* content = file.content().data();
  const std::size_t size = file.content().size();
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, view] : file.tensors()) {
    require(name == view.name);
    const auto begin = static_cast<uint64_t>(view.bytes.data() - content);
    require(view.bytes.data() >= content && begin + view.bytes.size() <= size);
    require(static_cast<uint64_t>(view.numel()) * dtype_size(view.dtype) == view.bytes.size());
    if (!view.bytes.empty()) {
      // Touch both ends: ASan reports any read outside the buffer.
      volatile std::byte first = view.bytes.front();
      volatile std::byte last = view.bytes.back();
      (void)first;
      (void)last;
    }
    ranges.emplace_back(begin, begin + view.bytes.size());
  }
  check_no_overlap(std::move(ranges));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  try {
    if (size > 0 && data[0] == '{') {
      check_header(backdrop::models::parse_safetensors_header(
          std::string_view(reinterpret_cast<const char*>(data), size), kDataAreaBytes, "fuzz"));
    } else {
      const auto file = SafetensorsFile::from_buffer(std::vector<std::byte>(bytes, bytes + size), "fuzz");
      check_file(*file);
    }
  } catch (const SafetensorsError&) {
    // The expected outcome for most inputs.
  }
  return 0;
}
