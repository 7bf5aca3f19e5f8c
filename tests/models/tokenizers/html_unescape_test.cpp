#include "models/tokenizers/clip_text_normalizer.h"
#include "models/tokenizers/html_unescape.h"
#include "support/doctest_torch.h"

using namespace backdrop::models;

TEST_CASE("named references, with and without the semicolon where HTML5 allows it") {
  CHECK(html_unescape("Tom &amp; Jerry &lt;3") == "Tom & Jerry <3");
  CHECK(html_unescape("&hellip; &Alpha;&omega; &euro;") == "\u2026 \u0391\u03C9 \u20AC");
  CHECK(html_unescape("&amp") == "&");
  CHECK(html_unescape("&copy2024") == "\u00A92024");
  CHECK(html_unescape("&notit;") == "\u00ACit;");  // longest legacy prefix, as Python does
  CHECK(html_unescape("&hellip") == "&hellip");     // not a legacy name: needs its ';'
  CHECK(html_unescape("&bogus; AT&T & ;") == "&bogus; AT&T & ;");
}

TEST_CASE("numeric references follow HTML5's substitutions") {
  CHECK(html_unescape("&#65;&#x42;&#X43") == "ABC");
  CHECK(html_unescape("&#128;&#x92;") == "\u20AC\u2019");  // windows-1252 readings of C1
  CHECK(html_unescape("&#0;&#xD800;&#99999999999;") == "\uFFFD\uFFFD\uFFFD");
  CHECK(html_unescape("a&#1;b&#xFFFF;c") == "abc");  // dropped code points
  CHECK(html_unescape("&#;&#x;") == "&#;&#x;");
}

TEST_CASE("unescaping twice resolves doubly escaped text") {
  CHECK(html_unescape("&amp;lt;") == "&lt;");
  CHECK(html_unescape(html_unescape("&amp;lt;")) == "<");
}

TEST_CASE("basic normalisation: control characters, whitespace, CJK, NFC, lowercase") {
  const auto basic = [](std::string_view text) { return normalize_clip_text(text, ClipNormalization::Basic); };
  CHECK(basic("  Hello\tWORLD\n\n ") == "hello world");
  CHECK(basic(std::string("a\0b", 3)) == "ab");
  CHECK(basic("a\x01" "b\u200Bc\uFFFDd") == "abcd");     // Cc, Cf and U+FFFD are dropped
  CHECK(basic("a\u00A0b\u3000c\u2028d") == "a b c d");  // Zs, and U+2028 which Python splits on
  CHECK(basic("東京タワー") == "東 京 タワー");             // ideographs only, not katakana
  CHECK(basic("Cafe\u0301") == "caf\u00E9");             // NFC
  CHECK(basic("e\u200B\u0301") == "\u00E9");             // NFC after the clean-up, like transformers
  CHECK(basic("ΟΔΟΣ ΣΑ") == "οδος σα");                  // final sigma in context
  CHECK(basic("&amp;") == "&amp;");
  CHECK(basic("") == "");
}

TEST_CASE("HTML-unescaping normalisation: no CJK split, entities resolved") {
  const auto html = [](std::string_view text) { return normalize_clip_text(text, ClipNormalization::HtmlUnescaped); };
  CHECK(html("Tom &amp;amp; JERRY") == "tom & jerry");
  CHECK(html("東京タワー  at\tnight") == "東京タワー at night");
  CHECK(html(" a\u00A0&nbsp;b ") == "a b");
}
