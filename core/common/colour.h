#pragma once
// The one parser of colours people and files write: "#rrggbb" or an everyday colour name from the
// table the Studio and the prompts use ("navy blue", "off-white"). No image library needed, so the
// store can validate what it saves.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backdrop {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

struct NamedColour {
  const char* name;
  Rgb rgb;
};

// The everyday colour names, in the order of the table (hue, lightness and chroma covered evenly).
const std::vector<NamedColour>& named_colours();

// "#rrggbb" (either case), or a name from named_colours() (any case, surrounding blanks ignored);
// nullopt for anything else, e.g. "navy-ish" or "#12345".
std::optional<Rgb> parse_colour(std::string_view text);

// "#rrggbb" in lower case.
std::string hex_colour(const Rgb& rgb);

// What parse_colour() accepts, for error messages: "#rrggbb or a colour name (black, charcoal, ...)".
std::string accepted_colours();

}  // namespace backdrop
