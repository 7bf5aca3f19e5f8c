#pragma once
// CLIP's byte-level byte-pair encoding: the byte -> printable character alphabet and the merge
// loop over one pre-tokenised word, whose last symbol carries the end-of-word marker `</w>`.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace backdrop::models {

inline constexpr std::string_view kEndOfWord = "</w>";

// GPT-2's reversible byte -> unicode table: printable Latin-1 bytes map to themselves, the other
// 68 bytes to U+0100 onwards. Each entry is the UTF-8 of that character.
const std::array<std::string, 256>& byte_level_alphabet();

// The UTF-8 bytes of `text`, each replaced by its byte-level character.
std::string to_byte_level(std::string_view text);

using BpeMerges = std::vector<std::pair<std::string, std::string>>;

// Reads merges.txt: an optional `#version` line, then one `left right` pair per line in rank order.
BpeMerges read_merges_file(const std::filesystem::path& path);

// CLIP's vocabulary, which follows from its merges (what OpenAI's tokenizer builds): the 256
// byte-level characters in GPT-2's table order (the printable bytes first), the same with `</w>`,
// one token per merge in rank order, then `<|startoftext|>` and `<|endoftext|>`.
std::unordered_map<std::string, int64_t> clip_vocabulary_from_merges(const BpeMerges& merges);

class ClipBpe {
 public:
  static ClipBpe from_merges_file(const std::filesystem::path& path);
  explicit ClipBpe(const BpeMerges& merges);

  // Splits a byte-level word into characters, appends `</w>` to the last one, then merges the
  // adjacent pair of lowest rank (every occurrence, left to right) until no ranked pair is left.
  std::vector<std::string> encode_word(std::string_view byte_level_word) const;

  std::size_t merge_count() const { return ranks_.size(); }

 private:
  int rank(const std::string& left, const std::string& right) const;

  std::unordered_map<std::string, int> ranks_;  // key: left + ' ' + right (symbols never hold ' ')
};

}  // namespace backdrop::models
