#pragma once
// The text clean-up CLIP's tokenizer applies before its pre-tokenisation regex, on ICU.
//
// `Basic` is what transformers' CLIPTokenizer does without ftfy (and what the SD 1.5 reference ids
// were made with): drop NUL, U+FFFD and every other-category (C*) character except tab, newline and
// carriage return; turn whitespace into spaces; put spaces around CJK ideographs; NFC; split on
// whitespace; lowercase; join with single spaces. Accents are kept.
//
// `HtmlUnescaped` is OpenAI CLIP's own clean-up (also transformers' when ftfy is installed):
// HTML-unescape twice, NFC, collapse whitespace, lowercase, no CJK split. ftfy's other repairs
// (mojibake, curly quotes, ...) are not reproduced: prompts typed by people do not need them.

#include <string>
#include <string_view>

namespace backdrop::models {

enum class ClipNormalization { Basic, HtmlUnescaped };

// `text` and the result are UTF-8; invalid UTF-8 sequences read as U+FFFD.
std::string normalize_clip_text(std::string_view text, ClipNormalization normalization);

}  // namespace backdrop::models
