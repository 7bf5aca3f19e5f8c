// The record a variant PNG carries: read back as written, nothing for a PNG without one, and a
// clear ImageError naming the file and the key for a damaged one.

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <opencv2/core.hpp>

#include "core/backgrounds/variant_png_record.h"
#include "core/imaging/image_error.h"
#include "core/imaging/png_text.h"
#include "support/test_data.h"

using namespace backdrop;
using backgrounds::kVariantRecordKey;

namespace {

std::filesystem::path png_with(const std::string& name, const std::map<std::string, std::string>& text) {
  const auto path = test::scratch_dir("variant-png-record") / name;
  imaging::write_png_with_text(path, cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)), text);
  return path;
}

std::string record_error(const std::string& json) {
  try {
    (void)backgrounds::parse_variant_record(json, "v.png");
  } catch (const imaging::ImageError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a variant PNG's record is read back") {
  const auto path = png_with(
      "scored.png",
      {{kVariantRecordKey,
        R"({"generator":"studio","artifacts":{"edge_continuation":0.25,"object_expansion":0.5,"flagged":true,"reason":"x"}})"}});
  const auto record = backgrounds::read_variant_record(path);
  REQUIRE(record.has_value());
  CHECK(record->generator == "studio");
  CHECK(record->flagged);
  CHECK(record->artifact_scores ==
        std::map<std::string, double>{{"edge_continuation", 0.25}, {"object_expansion", 0.5}});
}

TEST_CASE("an unknown object expansion is left out of the scores") {
  const auto record = backgrounds::parse_variant_record(
      R"({"generator":"diffusion","artifacts":{"edge_continuation":0,"object_expansion":null,"flagged":false}})",
      "v.png");
  CHECK(record.artifact_scores == std::map<std::string, double>{{"edge_continuation", 0.0}});
  CHECK_FALSE(record.flagged);
}

TEST_CASE("a PNG without a record has none") {
  CHECK_FALSE(backgrounds::read_variant_record(png_with("plain.png", {{"Software", "Backdrop"}})).has_value());
}

TEST_CASE("a damaged record is an ImageError naming the file, the key and the field") {
  CHECK(record_error("{\"generator\":") == "v.png: backdrop:variant: not valid JSON");
  CHECK(record_error("[]") == "v.png: backdrop:variant: expected an object");
  CHECK(record_error(R"({"generator":"s"})") == "v.png: backdrop:variant: missing key 'artifacts'");
  CHECK(record_error(R"({"generator":7,"artifacts":{}})") ==
        "v.png: backdrop:variant: generator: expected a string, found number");
  CHECK(record_error(R"({"generator":"s","artifacts":{"edge_continuation":"high"}})") ==
        "v.png: backdrop:variant: artifacts.edge_continuation: expected a finite number, found \"high\"");
  CHECK(record_error(R"({"generator":"s","artifacts":{"edge_continuation":1,"object_expansion":null}})") ==
        "v.png: backdrop:variant: artifacts: missing key 'flagged'");
  const auto path = png_with("damaged.png", {{kVariantRecordKey, "{not json"}});
  CHECK_THROWS_WITH_AS(backgrounds::read_variant_record(path),
                       (path.string() + ": backdrop:variant: not valid JSON").c_str(), imaging::ImageError);
}

TEST_CASE("a text chunk larger than any record is refused before it is read") {
  // A chunk's length comes from the file; fuzz_variant_record found a 400-byte PNG whose iTXt
  // claimed 1.7 GB, which libpng allocated. Records are a few kilobytes; 8 MiB is the bound.
  const auto path = png_with("huge-text.png", {{kVariantRecordKey, std::string(9u << 20, 'x')}});
  const auto message = [](const std::filesystem::path& file, const std::string& problem) {
    return file.string() + ": " + problem;
  };
  CHECK_THROWS_WITH_AS(backgrounds::read_variant_record(path),
                       message(path, "iTXt chunk of 9437205 bytes is larger than any text Backdrop reads").c_str(),
                       imaging::ImageError);
  const auto small = png_with("large-text.png", {{"Comment", std::string(1u << 20, 'x')}});
  CHECK(imaging::read_png_text(small).at("Comment").size() == (1u << 20));

  // The fuzzer's case: a chunk that claims more than the file holds.
  std::string bytes;
  {
    std::ifstream in(small, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto truncated = small.parent_path() / "truncated.png";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, 4096);
  CHECK_THROWS_WITH_AS(imaging::read_png_text(truncated),
                       message(truncated, "iTXt chunk runs past the end of the file").c_str(), imaging::ImageError);
}
