#include "models/tokenizers/clip_pretokenizer.h"

#include <stdexcept>

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace backdrop::models {
namespace {

constexpr const char* kClipPattern =
    R"(<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+)";

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string("CLIP pre-tokeniser: ") + what + ": " + u_errorName(status));
}

}  // namespace

// A compiled RegexPattern is immutable and shared; each call makes its own matcher.
struct ClipPretokenizer::Pattern {
  std::unique_ptr<icu::RegexPattern> regex;
};

ClipPretokenizer::ClipPretokenizer() : pattern_(std::make_unique<Pattern>()) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  pattern_->regex.reset(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(kClipPattern), UREGEX_CASE_INSENSITIVE, parse_error, status));
  check(status, "compiling the pattern");
}

ClipPretokenizer::~ClipPretokenizer() = default;
ClipPretokenizer::ClipPretokenizer(ClipPretokenizer&&) noexcept = default;
ClipPretokenizer& ClipPretokenizer::operator=(ClipPretokenizer&&) noexcept = default;

std::vector<std::string> ClipPretokenizer::split(std::string_view text) const {
  const auto unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(pattern_->regex->matcher(unicode, status));
  check(status, "creating a matcher");
  std::vector<std::string> words;
  while (matcher->find(status)) {
    check(status, "matching");
    std::string word;
    matcher->group(status).toUTF8String(word);
    check(status, "reading a match");
    words.push_back(std::move(word));
  }
  check(status, "matching");
  return words;
}

}  // namespace backdrop::models
