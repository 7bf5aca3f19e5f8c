#include "models/tokenizers/clip_text_normalizer.h"

#include <stdexcept>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "models/tokenizers/html_unescape.h"

namespace backdrop::models {
namespace {

// transformers' `_is_control`: any C* category, but tab, newline and carriage return are whitespace.
bool is_control(UChar32 c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  return (U_GET_GC_MASK(c) & U_GC_C_MASK) != 0;
}

// transformers' `_is_whitespace`.
bool is_basic_whitespace(UChar32 c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || u_charType(c) == U_SPACE_SEPARATOR;
}

// Python's str.isspace(), which str.split() and re's \s use: bidi class WS, B or S, or category Zs.
bool is_python_space(UChar32 c) {
  if (u_charType(c) == U_SPACE_SEPARATOR) return true;
  const auto direction = u_charDirection(c);
  return direction == U_WHITE_SPACE_NEUTRAL || direction == U_BLOCK_SEPARATOR || direction == U_SEGMENT_SEPARATOR;
}

// The blocks BERT's `_is_chinese_char` lists (its code point ranges are exactly these blocks).
bool is_cjk_ideograph(UChar32 c) {
  switch (ublock_getCode(c)) {
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS:
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_A:
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_B:
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_C:
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_D:
    case UBLOCK_CJK_UNIFIED_IDEOGRAPHS_EXTENSION_E:
    case UBLOCK_CJK_COMPATIBILITY_IDEOGRAPHS:
    case UBLOCK_CJK_COMPATIBILITY_IDEOGRAPHS_SUPPLEMENT:
      return true;
    default:
      return false;
  }
}

// Drops control characters, maps whitespace to ' ' and isolates CJK ideographs.
icu::UnicodeString clean(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_basic_whitespace(c)) {
      out.append(static_cast<UChar>(' '));
    } else if (is_cjk_ideograph(c)) {
      out.append(static_cast<UChar>(' ')).append(c).append(static_cast<UChar>(' '));
    } else {
      out.append(c);
    }
  }
  return out;
}

icu::UnicodeString nfc(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC normaliser unavailable: ") + u_errorName(status));
  icu::UnicodeString out = normalizer->normalize(text, status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC normalisation failed: ") + u_errorName(status));
  return out;
}

// Python's " ".join(text.split()).
icu::UnicodeString collapse_whitespace(const icu::UnicodeString& text) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    if (is_python_space(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  return out;
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

}  // namespace

std::string normalize_clip_text(std::string_view text, ClipNormalization normalization) {
  icu::UnicodeString unicode;
  if (normalization == ClipNormalization::Basic) {
    const auto input = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    // transformers' order: clean-up and CJK split first, NFC after.
    unicode = nfc(clean(input));
  } else {
    const std::string unescaped = html_unescape(html_unescape(text));
    unicode = nfc(icu::UnicodeString::fromUTF8(
        icu::StringPiece(unescaped.data(), static_cast<int32_t>(unescaped.size()))));
  }
  // Python's str.lower(): full case mappings, final sigma in context; the root locale has no
  // language-specific rules (no Turkish dotless i).
  return to_utf8(collapse_whitespace(unicode).toLower(icu::Locale::getRoot()));
}

}  // namespace backdrop::models
