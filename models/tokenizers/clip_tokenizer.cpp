#include "models/tokenizers/clip_tokenizer.h"

#include <fstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace backdrop::models {
namespace {

// The BPE cache is dropped when it grows past this many words (an app may tokenise for days).
constexpr std::size_t kMaxCachedWords = 100000;

// CLIP's pattern matches these two literally; they map to their ids without BPE.
constexpr std::string_view kStartOfText = "<|startoftext|>";
constexpr std::string_view kEndOfText = "<|endoftext|>";

nlohmann::json read_json(const std::filesystem::path& path, const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw TokenizerError(path.string() + ": cannot open the " + what);
  try {
    return nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& error) {
    throw TokenizerError(path.string() + ": the " + what + " is not valid JSON (" + error.what() + ")");
  }
}

std::unordered_map<std::string, int64_t> read_vocabulary(const std::filesystem::path& path) {
  const auto json = read_json(path, "vocabulary");
  if (!json.is_object() || json.empty()) {
    throw TokenizerError(path.string() + ": the vocabulary must be a non-empty JSON object of token -> id");
  }
  std::unordered_map<std::string, int64_t> vocab;
  vocab.reserve(json.size());
  for (const auto& [token, id] : json.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) {
      throw TokenizerError(path.string() + ": the id of token '" + token + "' is not a non-negative integer");
    }
    vocab.emplace(token, id.get<int64_t>());
  }
  return vocab;
}

// A special token is a string or an AddedToken object {"content": ..., ...}.
void read_token(const nlohmann::json& json, const char* key, std::string& token, const std::filesystem::path& path) {
  if (!json.contains(key) || json[key].is_null()) return;
  const auto& value = json[key];
  if (value.is_string()) {
    token = value.get<std::string>();
  } else if (value.is_object() && value.contains("content") && value["content"].is_string()) {
    token = value["content"].get<std::string>();
  } else {
    throw TokenizerError(path.string() + ": '" + key + "' is neither a string nor an object with \"content\"");
  }
}

void read_special_tokens(const std::filesystem::path& path, ClipTokenizerConfig& config) {
  const auto json = read_json(path, "tokenizer configuration");
  if (!json.is_object()) throw TokenizerError(path.string() + ": expected a JSON object");
  read_token(json, "bos_token", config.bos_token, path);
  read_token(json, "eos_token", config.eos_token, path);
  read_token(json, "pad_token", config.pad_token, path);
  read_token(json, "unk_token", config.unk_token, path);
  if (json.contains("model_max_length")) {
    const auto& length = json["model_max_length"];
    // transformers writes a huge sentinel (1e30) when the length is unknown: keep the default then.
    if (length.is_number_integer() && length.get<int64_t>() < 1000000) {
      config.model_max_length = length.get<int64_t>();
    } else if (!length.is_number()) {
      throw TokenizerError(path.string() + ": 'model_max_length' is not a number");
    }
  }
}

}  // namespace

ClipTokenizerConfig ClipTokenizerConfig::from_folder(const std::filesystem::path& folder) {
  ClipTokenizerConfig config;
  // special_tokens_map.json first, so that tokenizer_config.json has the last word.
  for (const char* name : {"special_tokens_map.json", "tokenizer_config.json"}) {
    if (std::filesystem::exists(folder / name)) read_special_tokens(folder / name, config);
  }
  return config;
}

ClipTokenizer ClipTokenizer::from_folder(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    throw TokenizerError(folder.string() + ": tokenizer folder does not exist");
  }
  auto config = ClipTokenizerConfig::from_folder(folder);
  if (!std::filesystem::exists(folder / "vocab.json") && std::filesystem::exists(folder / "merges.txt")) {
    return from_merges(folder / "merges.txt", std::move(config));
  }
  return ClipTokenizer(folder / "vocab.json", folder / "merges.txt", std::move(config));
}

ClipTokenizer::ClipTokenizer(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
                             ClipTokenizerConfig config)
    : ClipTokenizer(read_vocabulary(vocab_json), read_merges_file(merges_txt), std::move(config), vocab_json.string()) {}

ClipTokenizer ClipTokenizer::from_merges(const std::filesystem::path& merges_txt, ClipTokenizerConfig config) {
  const auto merges = read_merges_file(merges_txt);
  return ClipTokenizer(clip_vocabulary_from_merges(merges), merges, std::move(config),
                       merges_txt.string() + " (CLIP's vocabulary built from the merges)");
}

ClipTokenizer::ClipTokenizer(std::unordered_map<std::string, int64_t> vocab, const BpeMerges& merges,
                             ClipTokenizerConfig config, const std::string& origin)
    : config_(std::move(config)), vocab_(std::move(vocab)), bpe_(merges) {
  if (config_.model_max_length < 2) {
    throw TokenizerError("model_max_length " + std::to_string(config_.model_max_length) +
                         " leaves no room for the bos and eos tokens");
  }
  bos_id_ = special_id(config_.bos_token, origin);
  eos_id_ = special_id(config_.eos_token, origin);
  pad_id_ = special_id(config_.pad_token, origin);
  unk_id_ = special_id(config_.unk_token, origin);
}

ClipTokenizer::~ClipTokenizer() = default;
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;

int64_t ClipTokenizer::special_id(const std::string& token, const std::string& origin) const {
  const auto found = vocab_.find(token);
  if (found == vocab_.end()) {
    throw TokenizerError(origin + ": special token '" + token + "' is not in the vocabulary");
  }
  return found->second;
}

std::vector<std::string> ClipTokenizer::byte_level_words(std::string_view text, ClipNormalization normalization) const {
  auto words = pretokenizer_.split(normalize_clip_text(text, normalization));
  for (auto& word : words) word = to_byte_level(word);  // the two special tokens are ASCII: unchanged
  return words;
}

ClipTokenizer::Word ClipTokenizer::encode_word(const std::string& byte_level_word) const {
  {
    const std::lock_guard lock(*cache_mutex_);
    if (const auto cached = cache_.find(byte_level_word); cached != cache_.end()) return cached->second;
  }
  Word word;
  if (byte_level_word == kStartOfText || byte_level_word == kEndOfText) {
    word.pieces = {byte_level_word};
  } else {
    word.pieces = bpe_.encode_word(byte_level_word);
  }
  word.ids.reserve(word.pieces.size());
  for (const auto& piece : word.pieces) {
    const auto found = vocab_.find(piece);
    word.ids.push_back(found == vocab_.end() ? unk_id_ : found->second);
  }
  const std::lock_guard lock(*cache_mutex_);
  if (cache_.size() >= kMaxCachedWords) cache_.clear();
  cache_.emplace(byte_level_word, word);
  return word;
}

std::vector<std::string> ClipTokenizer::tokenize(std::string_view text) const {
  return tokenize(text, config_.normalization);
}

std::vector<std::string> ClipTokenizer::tokenize(std::string_view text, ClipNormalization normalization) const {
  std::vector<std::string> pieces;
  for (const auto& word : byte_level_words(text, normalization)) {
    auto encoded = encode_word(word);
    pieces.insert(pieces.end(), std::make_move_iterator(encoded.pieces.begin()),
                  std::make_move_iterator(encoded.pieces.end()));
  }
  return pieces;
}

std::vector<int64_t> ClipTokenizer::bpe_ids(std::string_view text) const { return bpe_ids(text, config_.normalization); }

std::vector<int64_t> ClipTokenizer::bpe_ids(std::string_view text, ClipNormalization normalization) const {
  std::vector<int64_t> ids;
  for (const auto& word : byte_level_words(text, normalization)) {
    const auto encoded = encode_word(word);
    ids.insert(ids.end(), encoded.ids.begin(), encoded.ids.end());
  }
  return ids;
}

ClipEncoding ClipTokenizer::assemble(std::vector<int64_t> ids) const {
  const auto length = static_cast<std::size_t>(config_.model_max_length);
  const std::size_t room = length - 2;
  ClipEncoding encoding;
  encoding.num_bpe_tokens = ids.size();
  encoding.truncated = ids.size() > room;
  if (encoding.truncated) ids.resize(room);

  encoding.input_ids.reserve(length);
  encoding.input_ids.push_back(bos_id_);
  encoding.input_ids.insert(encoding.input_ids.end(), ids.begin(), ids.end());
  encoding.input_ids.push_back(eos_id_);
  encoding.attention_mask.assign(encoding.input_ids.size(), 1);
  encoding.input_ids.resize(length, pad_id_);
  encoding.attention_mask.resize(length, 0);
  return encoding;
}

ClipEncoding ClipTokenizer::encode(std::string_view text) const { return encode(text, config_.normalization); }

ClipEncoding ClipTokenizer::encode(std::string_view text, ClipNormalization normalization) const {
  return assemble(bpe_ids(text, normalization));
}

ClipBatch ClipTokenizer::encode_batch(const std::vector<std::string>& prompts) const {
  const auto batch = static_cast<int64_t>(prompts.size());
  const int64_t length = config_.model_max_length;
  ClipBatch out{torch::empty({batch, length}, torch::kInt64), torch::empty({batch, length}, torch::kInt64)};
  auto ids = out.input_ids.accessor<int64_t, 2>();
  auto mask = out.attention_mask.accessor<int64_t, 2>();
  for (int64_t b = 0; b < batch; ++b) {
    const auto encoding = encode(prompts[static_cast<std::size_t>(b)]);
    for (int64_t i = 0; i < length; ++i) {
      ids[b][i] = encoding.input_ids[static_cast<std::size_t>(i)];
      mask[b][i] = encoding.attention_mask[static_cast<std::size_t>(i)];
    }
  }
  return out;
}

}  // namespace backdrop::models
