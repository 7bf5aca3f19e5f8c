// Exact ids of the SD 1.5 CLIP tokenizer for every prompt of the fixture's tokenizer.json.
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "models/tokenizers/clip_tokenizer.h"
#include "support/test_data.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
using nlohmann::json;

namespace {

json reference() {
  std::ifstream file(backdrop::test::diffusion_fixtures() / "tokenizer.json");
  REQUIRE(file);
  return json::parse(file);
}

const ClipTokenizer& tokenizer() {
  static const auto instance = ClipTokenizer::from_folder(backdrop::test::diffusion_fixtures() / "clip_vocab");
  return instance;
}

template <typename T>
std::vector<T> values(const json& array) {
  return array.get<std::vector<T>>();
}

}  // namespace

TEST_CASE("special ids and length match the reference") {
  const auto expected = reference();
  CHECK(tokenizer().bos_token_id() == expected["bos_token_id"].get<int64_t>());
  CHECK(tokenizer().eos_token_id() == expected["eos_token_id"].get<int64_t>());
  CHECK(tokenizer().pad_token_id() == expected["pad_token_id"].get<int64_t>());
  CHECK(tokenizer().model_max_length() == expected["model_max_length"].get<int64_t>());
}

TEST_CASE("every prompt gives the reference pieces, ids and mask") {
  const auto expected = reference();
  REQUIRE(!expected["prompts"].empty());
  for (const auto& entry : expected["prompts"]) {
    const auto prompt = entry["prompt"].get<std::string>();
    CAPTURE(prompt);
    CHECK(tokenizer().tokenize(prompt) == values<std::string>(entry["bpe_tokens"]));
    CHECK(tokenizer().bpe_ids(prompt) == values<int64_t>(entry["bpe_ids"]));
    const auto encoding = tokenizer().encode(prompt);
    CHECK(encoding.input_ids == values<int64_t>(entry["input_ids"]));
    CHECK(encoding.attention_mask == values<int64_t>(entry["attention_mask"]));
    CHECK(encoding.num_bpe_tokens == entry["num_bpe_tokens"].get<std::size_t>());
    CHECK(encoding.truncated == entry["truncated"].get<bool>());
  }
}

TEST_CASE("the HTML-unescaping normalisation reproduces the alternative ids") {
  const auto expected = reference();
  int sensitive = 0;
  for (const auto& entry : expected["prompts"]) {
    if (!entry.value("normalization_sensitive", false)) continue;
    ++sensitive;
    const auto prompt = entry["prompt"].get<std::string>();
    CAPTURE(prompt);
    CHECK(tokenizer().tokenize(prompt, ClipNormalization::HtmlUnescaped) ==
          values<std::string>(entry["bpe_tokens_html_unescaped_no_cjk_split"]));
    const auto encoding = tokenizer().encode(prompt, ClipNormalization::HtmlUnescaped);
    CHECK(encoding.input_ids == values<int64_t>(entry["input_ids_html_unescaped_no_cjk_split"]));
    // And the two normalisations really differ here.
    CHECK(encoding.input_ids != tokenizer().encode(prompt).input_ids);
  }
  CHECK(sensitive > 0);
}

TEST_CASE("prompts that are not normalisation-sensitive give the same ids either way") {
  // Held in a variable: a range-for over reference()["prompts"] would iterate a member of a
  // temporary destroyed before the loop starts (ASan: heap-use-after-free).
  const auto expected = reference();
  for (const auto& entry : expected.at("prompts")) {
    if (entry.value("normalization_sensitive", false)) continue;
    const auto prompt = entry["prompt"].get<std::string>();
    CAPTURE(prompt);
    CHECK(tokenizer().encode(prompt, ClipNormalization::HtmlUnescaped).input_ids ==
          values<int64_t>(entry["input_ids"]));
  }
}

TEST_CASE("a batch stacks the prompts' ids and masks") {
  const auto expected = reference();
  std::vector<std::string> prompts;
  for (const auto& entry : expected["prompts"]) prompts.push_back(entry["prompt"].get<std::string>());
  const auto batch = tokenizer().encode_batch(prompts);
  REQUIRE(batch.input_ids.sizes() == torch::IntArrayRef{static_cast<int64_t>(prompts.size()), tokenizer().model_max_length()});
  CHECK((batch.input_ids.scalar_type() == torch::kInt64));
  for (std::size_t b = 0; b < prompts.size(); ++b) {
    const auto row = batch.input_ids[static_cast<int64_t>(b)];
    const auto mask = batch.attention_mask[static_cast<int64_t>(b)];
    CHECK(std::vector<int64_t>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel()) ==
          values<int64_t>(expected["prompts"][b]["input_ids"]));
    CHECK(std::vector<int64_t>(mask.data_ptr<int64_t>(), mask.data_ptr<int64_t>() + mask.numel()) ==
          values<int64_t>(expected["prompts"][b]["attention_mask"]));
  }
}

TEST_CASE("CLIP's vocabulary built from merges.txt alone is vocab.json, and tokenises every prompt the same") {
  const auto folder = backdrop::test::diffusion_fixtures() / "clip_vocab";
  std::ifstream vocab_file(folder / "vocab.json");
  REQUIRE(vocab_file);
  const auto expected = json::parse(vocab_file).get<std::unordered_map<std::string, int64_t>>();
  const auto built = clip_vocabulary_from_merges(read_merges_file(folder / "merges.txt"));
  CHECK(built.size() == expected.size());
  CHECK(built == expected);

  const auto from_merges = ClipTokenizer::from_merges(folder / "merges.txt", ClipTokenizerConfig::from_folder(folder));
  CHECK(from_merges.vocab_size() == tokenizer().vocab_size());
  CHECK(from_merges.eos_token_id() == tokenizer().eos_token_id());
  const auto stored = reference();  // not a range-for over a temporary's member
  for (const auto& entry : stored.at("prompts")) {
    const auto prompt = entry["prompt"].get<std::string>();
    CAPTURE(prompt);
    CHECK(from_merges.encode(prompt).input_ids == values<int64_t>(entry["input_ids"]));
  }
}

TEST_CASE("the CLIP merges Backdrop ships are the fixture's, so a single-file checkpoint needs no tokenizer folder") {
  const std::filesystem::path shipped = "resources/clip_tokenizer/merges.txt";  // tests run from the checkout
  REQUIRE(std::filesystem::exists(shipped));
  CHECK(read_merges_file(shipped).size() == 48894);  // 49152 - 256 - 2, as OpenAI's tokenizer reads it
  const auto bundled = ClipTokenizer::from_folder(shipped.parent_path());
  CHECK(bundled.vocab_size() == 49408);
  CHECK(bundled.bos_token_id() == 49406);
  CHECK(bundled.eos_token_id() == 49407);
  // CLIP's ids of its own README example.
  CHECK(bundled.bpe_ids("a photo of a cat") == std::vector<int64_t>{320, 1125, 539, 320, 2368});
}
