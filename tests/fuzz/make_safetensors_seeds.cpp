// Writes the seed corpus of fuzz_safetensors_header from real safetensors files (the diffusion
// fixtures): usage `make_safetensors_seeds <folder with *.safetensors> <corpus folder>`.
// For each file it writes
//  - <stem>.prefix:      the real header length and header, data cut off (large, realistic headers),
//  - <stem>.safetensors: a small complete file with the real names, dtypes, shapes and metadata of
//                        the file's smallest tensors (zero data), so seeds reach the accepting paths,
//  - <stem>.json:        that small file's header alone, for the header-only mode,
// The folder comes from BACKDROP_FIXTURES when that is set.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "models/loaders/safetensors.h"

namespace fs = std::filesystem;
using namespace backdrop::models;

namespace {

// Small enough for the header-only mode's data area (4096 bytes) and fast fuzzing.
constexpr std::size_t kMaxSeedDataBytes = 4096;
constexpr std::size_t kMaxSeedTensors = 48;

std::string read_prefix(const fs::path& path, std::size_t length) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(length, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(length));
  return bytes;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The u64 header length at the start of a valid file.
uint64_t header_length(const SafetensorsFile& file) {
  uint64_t length = 0;
  std::copy_n(file.content().data(), sizeof length, reinterpret_cast<std::byte*>(&length));
  return length;
}

void write_seeds(const fs::path& source, const fs::path& corpus) {
  const auto file = SafetensorsFile::open(source);
  const auto stem = source.stem().string();
  write_bytes(corpus / (stem + ".prefix"), read_prefix(source, 8 + header_length(*file)));

  std::vector<const TensorView*> views;
  for (const auto& [name, view] : file->tensors()) views.push_back(&view);
  std::stable_sort(views.begin(), views.end(), [](const auto* a, const auto* b) { return a->bytes.size() < b->bytes.size(); });
  std::vector<TensorToWrite> small;
  std::size_t total = 0;
  const std::vector<std::byte> zeros(kMaxSeedDataBytes);
  for (const auto* view : views) {
    if (small.size() == kMaxSeedTensors || total + view->bytes.size() > kMaxSeedDataBytes) break;
    small.push_back({view->name, view->dtype, view->shape, std::span(zeros.data(), view->bytes.size())});
    total += view->bytes.size();
  }
  const auto small_path = corpus / (stem + ".safetensors");
  write_safetensors(small_path, small, file->metadata());
  write_bytes(corpus / (stem + ".json"), read_prefix(small_path, 8 + header_length(*SafetensorsFile::open(small_path))).substr(8));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_safetensors_seeds <folder with *.safetensors> <corpus folder>\n";
    return 2;
  }
  const char* override_dir = std::getenv("BACKDROP_FIXTURES");
  const fs::path source_dir = (override_dir != nullptr && *override_dir != '\0') ? override_dir : argv[1];
  const fs::path corpus = argv[2];
  try {
    fs::create_directories(corpus);
    int count = 0;
    for (const auto& entry : fs::directory_iterator(source_dir)) {
      if (entry.path().extension() != ".safetensors") continue;
      write_seeds(entry.path(), corpus);
      ++count;
    }
    std::cout << "wrote seeds for " << count << " files from " << source_dir << " into " << corpus << "\n";
    return count > 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
}
