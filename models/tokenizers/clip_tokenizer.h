#pragma once
// CLIPTokenizer (transformers): text -> normalised text -> CLIP pre-tokenisation regex -> byte-level
// BPE -> ids from vocab.json, then `[bos] + ids[:max_length - 2] + [eos]` padded to max_length
// (`padding="max_length", truncation=True`, as Stable Diffusion calls it).
//
// Special tokens and the length come from tokenizer_config.json / special_tokens_map.json when the
// folder has them, with CLIP's defaults otherwise; their ids are looked up in the vocabulary.
// Encoding is thread-safe: the BPE cache is guarded.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <torch/types.h>

#include "models/tokenizers/clip_bpe.h"
#include "models/tokenizers/clip_pretokenizer.h"
#include "models/tokenizers/clip_text_normalizer.h"
#include "models/tokenizers/tokenizer_error.h"

namespace backdrop::models {

struct ClipTokenizerConfig {
  std::string bos_token = "<|startoftext|>";
  std::string eos_token = "<|endoftext|>";
  std::string pad_token = "<|endoftext|>";
  std::string unk_token = "<|endoftext|>";
  int64_t model_max_length = 77;  // CLIP's context length
  ClipNormalization normalization = ClipNormalization::Basic;

  // Reads tokenizer_config.json and special_tokens_map.json from `folder` where present (a token
  // may be a string or an AddedToken object with "content"); missing fields keep the defaults.
  static ClipTokenizerConfig from_folder(const std::filesystem::path& folder);
};

// One prompt, tokenised.
struct ClipEncoding {
  std::vector<int64_t> input_ids;       // model_max_length ids
  std::vector<int64_t> attention_mask;  // 1 on bos ... eos, 0 on padding
  std::size_t num_bpe_tokens = 0;       // before truncation
  bool truncated = false;
};

// A batch: int64 tensors [batch, model_max_length] on the CPU.
struct ClipBatch {
  torch::Tensor input_ids;
  torch::Tensor attention_mask;
};

class ClipTokenizer {
 public:
  // A tokenizer folder: vocab.json, merges.txt and optionally the config files above. A folder
  // with merges.txt alone (the vocabulary Backdrop ships) gets CLIP's vocabulary built from it.
  static ClipTokenizer from_folder(const std::filesystem::path& folder);
  ClipTokenizer(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
                ClipTokenizerConfig config = {});
  // CLIP's vocabulary from its merges alone (clip_vocabulary_from_merges).
  static ClipTokenizer from_merges(const std::filesystem::path& merges_txt, ClipTokenizerConfig config = {});
  ~ClipTokenizer();
  ClipTokenizer(ClipTokenizer&&) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&&) noexcept;

  // The BPE pieces (byte-level strings, `</w>` ending a word) and their ids, untruncated, without
  // bos/eos. `normalization` overrides the config's for this call.
  std::vector<std::string> tokenize(std::string_view text) const;
  std::vector<std::string> tokenize(std::string_view text, ClipNormalization normalization) const;
  std::vector<int64_t> bpe_ids(std::string_view text) const;
  std::vector<int64_t> bpe_ids(std::string_view text, ClipNormalization normalization) const;

  ClipEncoding encode(std::string_view text) const;
  ClipEncoding encode(std::string_view text, ClipNormalization normalization) const;
  ClipBatch encode_batch(const std::vector<std::string>& prompts) const;

  int64_t bos_token_id() const { return bos_id_; }
  int64_t eos_token_id() const { return eos_id_; }
  int64_t pad_token_id() const { return pad_id_; }
  int64_t unk_token_id() const { return unk_id_; }
  int64_t model_max_length() const { return config_.model_max_length; }
  std::size_t vocab_size() const { return vocab_.size(); }
  const ClipTokenizerConfig& config() const { return config_; }

 private:
  struct Word {
    std::vector<std::string> pieces;
    std::vector<int64_t> ids;
  };
  // Pre-tokenised words of the normalised text, in byte-level form.
  std::vector<std::string> byte_level_words(std::string_view text, ClipNormalization normalization) const;
  Word encode_word(const std::string& byte_level_word) const;
  ClipTokenizer(std::unordered_map<std::string, int64_t> vocab, const BpeMerges& merges, ClipTokenizerConfig config,
                const std::string& origin);
  int64_t special_id(const std::string& token, const std::string& origin) const;
  ClipEncoding assemble(std::vector<int64_t> ids) const;

  ClipTokenizerConfig config_;
  std::unordered_map<std::string, int64_t> vocab_;
  ClipBpe bpe_;
  ClipPretokenizer pretokenizer_;
  int64_t bos_id_ = 0;
  int64_t eos_id_ = 0;
  int64_t pad_id_ = 0;
  int64_t unk_id_ = 0;

  mutable std::unique_ptr<std::mutex> cache_mutex_ = std::make_unique<std::mutex>();
  mutable std::unordered_map<std::string, Word> cache_;
};

}  // namespace backdrop::models
