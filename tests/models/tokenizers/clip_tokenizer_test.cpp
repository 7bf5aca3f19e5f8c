// ClipTokenizer on a hand-made vocabulary: BPE merge order, special tokens and length from the
// config files, truncation, padding, the cache, and clear errors for broken files.
#include <fstream>
#include <functional>

#include "models/tokenizers/clip_tokenizer.h"
#include "support/test_data.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
}

// Ranks: "a b" first, then "ab c</w>"; "b c</w>" is ranked too, but after "a b".
fs::path tiny_folder(const std::string& name) {
  const auto dir = backdrop::test::scratch_dir(name);
  write(dir / "vocab.json",
        R"({"a": 0, "b": 1, "c": 2, "a</w>": 3, "b</w>": 4, "c</w>": 5, "ab": 6, "abc</w>": 7,
            "<s>": 8, "</s>": 9, "<pad>": 10, "<unk>": 11, "bc</w>": 12})");
  write(dir / "merges.txt", "#version: 0.2\na b\nab c</w>\nb c</w>\n");
  write(dir / "tokenizer_config.json",
        R"({"bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "</s>",
            "unk_token": "<unk>", "model_max_length": 6})");
  write(dir / "special_tokens_map.json", R"({"pad_token": "<pad>", "eos_token": "<unk>"})");
  return dir;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const TokenizerError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("merges apply in rank order and special tokens come from the config files") {
  const auto tokenizer = ClipTokenizer::from_folder(tiny_folder("clip-tokenizer-merges"));
  CHECK(tokenizer.bos_token_id() == 8);
  CHECK(tokenizer.eos_token_id() == 9);  // tokenizer_config.json wins over special_tokens_map.json
  CHECK(tokenizer.pad_token_id() == 10);
  CHECK(tokenizer.unk_token_id() == 11);
  CHECK(tokenizer.model_max_length() == 6);

  CHECK(tokenizer.tokenize("ABC") == std::vector<std::string>{"abc</w>"});
  CHECK(tokenizer.tokenize("cab  bc") == std::vector<std::string>{"c", "a", "b</w>", "bc</w>"});
  CHECK(tokenizer.bpe_ids("abc cab d") == std::vector<int64_t>{7, 2, 0, 4, 11});  // d is unknown
  // Cached words give the same answer.
  CHECK(tokenizer.bpe_ids("abc cab d") == std::vector<int64_t>{7, 2, 0, 4, 11});
}

TEST_CASE("padding, exact fit and truncation to model_max_length") {
  const auto tokenizer = ClipTokenizer::from_folder(tiny_folder("clip-tokenizer-length"));
  const auto padded = tokenizer.encode("abc");
  CHECK(padded.input_ids == std::vector<int64_t>{8, 7, 9, 10, 10, 10});
  CHECK(padded.attention_mask == std::vector<int64_t>{1, 1, 1, 0, 0, 0});
  CHECK(!padded.truncated);

  const auto exact = tokenizer.encode("abc abc abc abc");
  CHECK(exact.input_ids == std::vector<int64_t>{8, 7, 7, 7, 7, 9});
  CHECK(!exact.truncated);

  const auto truncated = tokenizer.encode("abc abc abc abc cab");
  CHECK(truncated.input_ids == std::vector<int64_t>{8, 7, 7, 7, 7, 9});
  CHECK(truncated.attention_mask == std::vector<int64_t>{1, 1, 1, 1, 1, 1});
  CHECK(truncated.truncated);
  CHECK(truncated.num_bpe_tokens == 7);

  const auto empty = tokenizer.encode("");
  CHECK(empty.input_ids == std::vector<int64_t>{8, 9, 10, 10, 10, 10});

  const auto batch = tokenizer.encode_batch({"abc", ""});
  CHECK(batch.input_ids.sizes() == torch::IntArrayRef{2, 6});
  CHECK(batch.attention_mask.sum().item<int64_t>() == 5);
}

TEST_CASE("the special tokens of CLIP's pattern are kept whole") {
  const auto dir = tiny_folder("clip-tokenizer-special");
  write(dir / "vocab.json", R"({"a</w>": 0, "<|startoftext|>": 1, "<|endoftext|>": 2, "a": 3})");
  write(dir / "tokenizer_config.json", "{}");
  write(dir / "special_tokens_map.json", "{}");
  const auto tokenizer = ClipTokenizer::from_folder(dir);
  CHECK(tokenizer.bpe_ids("a<|endoftext|>a") == std::vector<int64_t>{0, 2, 0});
  CHECK(tokenizer.model_max_length() == 77);
}

TEST_CASE("missing and corrupt files give errors that name them") {
  const auto dir = tiny_folder("clip-tokenizer-errors");
  const auto vocab = dir / "vocab.json";
  const auto merges = dir / "merges.txt";

  CHECK(error_of([&] { ClipTokenizer::from_folder(dir / "absent"); }).find("does not exist") != std::string::npos);
  CHECK(error_of([&] { ClipTokenizer(dir / "none.json", merges); }).find("none.json: cannot open") != std::string::npos);
  CHECK(error_of([&] { ClipTokenizer(vocab, dir / "none.txt"); }).find("none.txt: cannot open") != std::string::npos);

  write(dir / "broken.json", R"({"a": 0, "b": )");
  CHECK(error_of([&] { ClipTokenizer(dir / "broken.json", merges); }).find("not valid JSON") != std::string::npos);
  write(dir / "strings.json", R"({"a": "zero"})");
  CHECK(error_of([&] { ClipTokenizer(dir / "strings.json", merges); }).find("token 'a'") != std::string::npos);
  write(dir / "list.json", "[1, 2]");
  CHECK(error_of([&] { ClipTokenizer(dir / "list.json", merges); }).find("JSON object") != std::string::npos);

  write(dir / "bad_merges.txt", "#version: 0.2\na b\na b c\n");
  CHECK(error_of([&] { ClipTokenizer(vocab, dir / "bad_merges.txt"); }).find("bad_merges.txt:3") != std::string::npos);
  write(dir / "empty_merges.txt", "#version: 0.2\n");
  CHECK(error_of([&] { ClipTokenizer(vocab, dir / "empty_merges.txt"); }).find("no merges") != std::string::npos);

  // The defaults name CLIP's tokens, which this vocabulary lacks.
  CHECK(error_of([&] { ClipTokenizer(vocab, merges); }).find("'<|startoftext|>' is not in the vocabulary") !=
        std::string::npos);
  ClipTokenizerConfig too_short = ClipTokenizerConfig::from_folder(dir);
  too_short.model_max_length = 1;
  CHECK(error_of([&] { ClipTokenizer(vocab, merges, too_short); }).find("model_max_length 1") != std::string::npos);

  write(dir / "tokenizer_config.json", R"({"bos_token": 5})");
  CHECK(error_of([&] { ClipTokenizerConfig::from_folder(dir); }).find("'bos_token'") != std::string::npos);
}
