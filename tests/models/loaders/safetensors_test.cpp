#include <cstring>
#include <fstream>

#include "models/loaders/safetensors.h"
#include "models/loaders/torch_tensors.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;
namespace fs = std::filesystem;

namespace {

// Writes a file made of a header length, a header text and `data_size` zero bytes.
fs::path write_raw(const fs::path& dir, const std::string& name, uint64_t declared_length, const std::string& header,
                   std::size_t data_size) {
  const auto path = dir / name;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&declared_length), sizeof declared_length);
  out << header;
  out << std::string(data_size, '\0');
  return path;
}

fs::path write_header(const fs::path& dir, const std::string& name, const std::string& header, std::size_t data_size) {
  return write_raw(dir, name, header.size(), header, data_size);
}

std::string error_of(const fs::path& path) {
  try {
    SafetensorsFile::open(path);
  } catch (const SafetensorsError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("round trip keeps names, dtypes, shapes and values") {
  const auto dir = backdrop::test::scratch_dir("safetensors-roundtrip");
  StateDict tensors{{"b.weight", torch::arange(12, torch::kFloat32).reshape({3, 4})},
                    {"a.ids", torch::tensor({1, 2, 3}, torch::kInt64)},
                    {"c.half", torch::full({2}, 1.5, torch::kFloat16)},
                    {"d.scalar", torch::tensor(2.5, torch::kFloat64)}};
  save_safetensors(dir / "t.safetensors", tensors, {{"format", "pt"}});

  const auto file = SafetensorsFile::open(dir / "t.safetensors");
  CHECK(file->names() == std::vector<std::string>{"a.ids", "b.weight", "c.half", "d.scalar"});
  CHECK(file->metadata().at("format") == "pt");
  CHECK(file->tensor("b.weight").shape == std::vector<int64_t>{3, 4});
  CHECK(file->tensor("d.scalar").shape.empty());

  const auto loaded = load_safetensors(dir / "t.safetensors");
  for (const auto& [name, tensor] : tensors) {
    CHECK((loaded.at(name).scalar_type() == tensor.scalar_type()));
    CHECK(torch::equal(loaded.at(name), tensor));
  }
  const auto converted = load_safetensors(dir / "t.safetensors", torch::kFloat32);
  CHECK((converted.at("c.half").scalar_type() == torch::kFloat32));
  CHECK(converted.at("c.half")[1].item<float>() == 1.5f);
}

TEST_CASE("header layout: keys sorted, padded to 8 bytes") {
  const auto dir = backdrop::test::scratch_dir("safetensors-layout");
  save_safetensors(dir / "t.safetensors", {{"z", torch::zeros({1})}, {"a", torch::ones({1})}});
  std::ifstream in(dir / "t.safetensors", std::ios::binary);
  uint64_t length = 0;
  in.read(reinterpret_cast<char*>(&length), 8);
  CHECK(length % 8 == 0);
  std::string header(length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(length));
  CHECK(header.find("\"a\"") < header.find("\"z\""));
}

TEST_CASE("a missing tensor is an error naming the file and the tensor") {
  const auto dir = backdrop::test::scratch_dir("safetensors-missing");
  save_safetensors(dir / "t.safetensors", {{"x", torch::zeros({1})}});
  const auto file = SafetensorsFile::open(dir / "t.safetensors");
  try {
    file->tensor("y");
    FAIL("expected an error");
  } catch (const SafetensorsError& error) {
    CHECK(std::string(error.what()).find("t.safetensors") != std::string::npos);
    CHECK(std::string(error.what()).find("'y'") != std::string::npos);
  }
}

TEST_CASE("corrupt files are clear errors") {
  const auto dir = backdrop::test::scratch_dir("safetensors-corrupt");
  const std::string good = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

  CHECK(error_of(dir / "absent.safetensors").find("cannot open") != std::string::npos);
  {
    std::ofstream(dir / "short.safetensors") << "abc";
  }
  CHECK(error_of(dir / "short.safetensors").find("truncated") != std::string::npos);
  CHECK(error_of(write_raw(dir, "long.safetensors", 1000, good, 8)).find("exceeds the file size") != std::string::npos);
  CHECK(error_of(write_raw(dir, "huge.safetensors", ~0ull, good, 8)).find("implausible") != std::string::npos);
  CHECK(error_of(write_header(dir, "json.safetensors", "{\"x\":", 8)).find("not valid JSON") != std::string::npos);
  CHECK(error_of(write_header(dir, "array.safetensors", "[1,2]", 8)).find("not a JSON object") != std::string::npos);
  CHECK(error_of(write_header(dir, "outside.safetensors", good, 4)).find("outside the data area") != std::string::npos);
  CHECK(error_of(write_header(dir, "dtype.safetensors",
                              R"({"x":{"dtype":"F8","shape":[2],"data_offsets":[0,2]}})", 8))
            .find("unsupported dtype") != std::string::npos);
  CHECK(error_of(write_header(dir, "length.safetensors",
                              R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8))
            .find("need 12") != std::string::npos);
  CHECK(error_of(write_header(dir, "negative.safetensors",
                              R"({"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8))
            .find("non-negative") != std::string::npos);
  CHECK(error_of(write_header(dir, "overflow.safetensors",
                              R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8))
            .find("more than 2^64") != std::string::npos);
  CHECK(error_of(write_header(dir, "overlap.safetensors",
                              R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                              12))
            .find("overlap") != std::string::npos);
  CHECK(error_of(write_header(dir, "metadata.safetensors", R"({"__metadata__":{"a":1}})", 0))
            .find("not a string") != std::string::npos);
}

TEST_CASE("reads the diffusion fixtures' text encoder") {
  const auto path = backdrop::test::diffusion_fixtures() / "text_encoder.safetensors";
  const auto file = SafetensorsFile::open(path);
  const auto& embedding = file->tensor("text_model.embeddings.token_embedding.weight");
  CHECK(embedding.dtype == DType::F32);
  REQUIRE(embedding.shape.size() == 2);
  const auto tensor = to_torch(embedding, file);
  CHECK(tensor.size(0) == embedding.shape[0]);
  CHECK(tensor.abs().sum().item<double>() > 0.0);
}

namespace {

std::vector<std::byte> file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

std::vector<std::byte> raw_file(const std::string& header, std::size_t data_size) {
  std::vector<std::byte> bytes(8 + header.size() + data_size);
  const uint64_t length = header.size();
  std::memcpy(bytes.data(), &length, 8);
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

std::string buffer_error(const std::string& header, std::size_t data_size) {
  try {
    SafetensorsFile::from_buffer(raw_file(header, data_size), "in-memory");
  } catch (const SafetensorsError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("from_buffer reads what open reads, from memory it owns") {
  const auto dir = backdrop::test::scratch_dir("safetensors-buffer");
  save_safetensors(dir / "t.safetensors", {{"w", torch::arange(6, torch::kFloat32).reshape({2, 3})},
                                           {"ids", torch::tensor({7, 8}, torch::kInt64)}});
  const auto mapped = SafetensorsFile::open(dir / "t.safetensors");
  const auto held = SafetensorsFile::from_buffer(file_bytes(dir / "t.safetensors"), "memory copy");
  CHECK(held->path().string() == "memory copy");
  CHECK(held->names() == mapped->names());
  CHECK(held->content().size() == mapped->content().size());
  for (const auto& name : mapped->names()) {
    const auto& a = mapped->tensor(name);
    const auto& b = held->tensor(name);
    CHECK(a.shape == b.shape);
    CHECK(a.dtype == b.dtype);
    CHECK(std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size()) == 0);
    CHECK(b.bytes.data() >= held->content().data());
    CHECK(b.bytes.data() + b.bytes.size() <= held->content().data() + held->content().size());
  }
  CHECK(torch::equal(to_torch(held->tensor("w"), held), torch::arange(6, torch::kFloat32).reshape({2, 3})));
  CHECK(buffer_error("{", 0).find("in-memory") != std::string::npos);
  CHECK(buffer_error("", 0).find("not valid JSON") != std::string::npos);
  std::vector<std::byte> short_buffer(5);
  CHECK_THROWS_WITH_AS(SafetensorsFile::from_buffer(short_buffer, "short"), doctest::Contains("truncated"),
                       SafetensorsError);
}

// Regression (found with the fuzz harness's overlap check): an empty tensor sorted between two
// overlapping ones hid the overlap, because empty entries were skipped inside the pairwise loop.
TEST_CASE("an overlap across an empty tensor is still an overlap") {
  const std::string header = R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"U8","shape":[0],"data_offsets":[4,4]},)"
                             R"("c":{"dtype":"U8","shape":[2],"data_offsets":[5,7]}})";
  CHECK(buffer_error(header, 8).find("tensors 'a' and 'c' overlap") != std::string::npos);
  // Empty tensors anywhere, even inside another tensor's bytes, are fine.
  CHECK(buffer_error(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"U8","shape":[0],"data_offsets":[4,4]}})",
                     8)
            .empty());
}

// Regression (UBSan under the fuzz harness): an empty tensor whose other dimensions multiply past
// 2^63 passed the byte-length check (0 bytes) and then overflowed TensorView::numel.
TEST_CASE("a shape whose element count does not fit in int64 is rejected") {
  CHECK(buffer_error(R"({"x":{"dtype":"U8","shape":[4294967296,4294967295,0],"data_offsets":[0,0]}})", 0)
            .find("more than 2^63 elements") != std::string::npos);
  const auto file = SafetensorsFile::from_buffer(
      raw_file(R"({"x":{"dtype":"U8","shape":[65536,65536,0],"data_offsets":[0,0]}})", 0), "empty");
  CHECK(file->tensor("x").numel() == 0);
}
