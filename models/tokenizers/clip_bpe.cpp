#include "models/tokenizers/clip_bpe.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "models/tokenizers/tokenizer_error.h"

namespace backdrop::models {
namespace {

constexpr int kUnranked = std::numeric_limits<int>::max();

std::string utf8_of(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {  // the alphabet stays below U+0800
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

std::string merge_key(const std::string& left, const std::string& right) { return left + ' ' + right; }

// The bytes GPT-2's table keeps as their own Latin-1 character.
bool printable_byte(int byte) { return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE; }

}  // namespace

const std::array<std::string, 256>& byte_level_alphabet() {
  static const auto alphabet = [] {
    std::array<std::string, 256> table;
    char32_t next_unprintable = 256;
    for (int byte = 0; byte < 256; ++byte) {
      table[static_cast<std::size_t>(byte)] =
          utf8_of(printable_byte(byte) ? static_cast<char32_t>(byte) : next_unprintable++);
    }
    return table;
  }();
  return alphabet;
}

std::string to_byte_level(std::string_view text) {
  const auto& alphabet = byte_level_alphabet();
  std::string out;
  out.reserve(text.size() * 2);
  for (const char byte : text) out += alphabet[static_cast<unsigned char>(byte)];
  return out;
}

BpeMerges read_merges_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw TokenizerError(path.string() + ": cannot open the BPE merges file");
  std::vector<std::pair<std::string, std::string>> merges;
  std::string line;
  for (int line_number = 1; std::getline(file, line); ++line_number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_number == 1 && line.rfind("#version", 0) == 0)) continue;
    std::istringstream fields(line);
    std::string left;
    std::string right;
    std::string extra;
    if (!(fields >> left >> right) || (fields >> extra)) {
      throw TokenizerError(path.string() + ":" + std::to_string(line_number) +
                           ": expected two symbols separated by a space, got '" + line + "'");
    }
    merges.emplace_back(std::move(left), std::move(right));
  }
  if (file.bad()) throw TokenizerError(path.string() + ": read error");
  if (merges.empty()) throw TokenizerError(path.string() + ": no merges in the file");
  return merges;
}

std::unordered_map<std::string, int64_t> clip_vocabulary_from_merges(const BpeMerges& merges) {
  const auto& alphabet = byte_level_alphabet();
  std::vector<std::string> tokens;
  tokens.reserve(2 * alphabet.size() + merges.size() + 2);
  for (const bool first_pass : {true, false}) {
    for (int byte = 0; byte < 256; ++byte) {
      if (printable_byte(byte) == first_pass) tokens.push_back(alphabet[static_cast<std::size_t>(byte)]);
    }
  }
  for (std::size_t i = 0; i < alphabet.size(); ++i) tokens.push_back(tokens[i] + std::string(kEndOfWord));
  for (const auto& [left, right] : merges) tokens.push_back(left + right);
  tokens.emplace_back("<|startoftext|>");
  tokens.emplace_back("<|endoftext|>");
  std::unordered_map<std::string, int64_t> vocabulary;
  vocabulary.reserve(tokens.size());
  for (std::size_t id = 0; id < tokens.size(); ++id) vocabulary.emplace(tokens[id], static_cast<int64_t>(id));
  return vocabulary;
}

ClipBpe ClipBpe::from_merges_file(const std::filesystem::path& path) { return ClipBpe(read_merges_file(path)); }

ClipBpe::ClipBpe(const BpeMerges& merges) {
  ranks_.reserve(merges.size());
  for (std::size_t i = 0; i < merges.size(); ++i) {
    // A repeated pair keeps its first (lowest) rank.
    ranks_.emplace(merge_key(merges[i].first, merges[i].second), static_cast<int>(i));
  }
}

int ClipBpe::rank(const std::string& left, const std::string& right) const {
  const auto found = ranks_.find(merge_key(left, right));
  return found == ranks_.end() ? kUnranked : found->second;
}

std::vector<std::string> ClipBpe::encode_word(std::string_view byte_level_word) const {
  std::vector<std::string> symbols;
  for (std::size_t i = 0; i < byte_level_word.size();) {
    const std::size_t length = std::min(utf8_length(static_cast<unsigned char>(byte_level_word[i])),
                                        byte_level_word.size() - i);
    symbols.emplace_back(byte_level_word.substr(i, length));
    i += length;
  }
  if (symbols.empty()) return symbols;
  symbols.back() += kEndOfWord;

  while (symbols.size() > 1) {
    int best_rank = kUnranked;
    std::size_t best = 0;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const int pair_rank = rank(symbols[i], symbols[i + 1]);
      if (pair_rank < best_rank) {
        best_rank = pair_rank;
        best = i;
      }
    }
    if (best_rank == kUnranked) break;

    const std::string left = symbols[best];
    const std::string right = symbols[best + 1];
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (std::size_t i = 0; i < symbols.size();) {
      if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
        merged.push_back(left + right);
        i += 2;
      } else {
        merged.push_back(std::move(symbols[i]));
        i += 1;
      }
    }
    symbols = std::move(merged);
  }
  return symbols;
}

}  // namespace backdrop::models
