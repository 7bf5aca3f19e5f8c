#pragma once
// CLIP's pre-tokenisation: the regex that cuts normalised text into the words BPE runs on,
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// (case-insensitive), on ICU's regex engine. Whitespace is never part of a word.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace backdrop::models {

class ClipPretokenizer {
 public:
  ClipPretokenizer();
  ~ClipPretokenizer();
  ClipPretokenizer(ClipPretokenizer&&) noexcept;
  ClipPretokenizer& operator=(ClipPretokenizer&&) noexcept;

  // The words of `text` (UTF-8) in order, as UTF-8. Thread-safe.
  std::vector<std::string> split(std::string_view text) const;

 private:
  struct Pattern;
  std::unique_ptr<Pattern> pattern_;
};

}  // namespace backdrop::models
