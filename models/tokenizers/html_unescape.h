#pragma once
// HTML character-reference decoding in the manner of Python's `html.unescape`, which OpenAI's CLIP
// tokenizer applies (twice) before tokenising. Numeric references follow the HTML5 rules (C1
// controls read as windows-1252, invalid code points dropped or replaced by U+FFFD); named
// references cover the HTML 4 set plus `&apos;`, which is what prompts contain in practice. Names
// outside that set are left as they are.

#include <string>
#include <string_view>

namespace backdrop::models {

// `text` and the result are UTF-8.
std::string html_unescape(std::string_view text);

}  // namespace backdrop::models
