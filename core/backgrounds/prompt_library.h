#pragma once
// Background prompts per product category: templates with placeholders and negative prompts, read
// from JSON (resources/prompts/default.json holds the defaults; users edit or replace it).
//
// JSON: {"default": [{"id", "prompt", "negative_prompt"}...], "categories": {"footwear": [...]}}.
// Placeholders: {product} (the product's title), {category}, {color} (the background colour's
// name; "soft neutral" when the variant has no colour).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace backdrop::backgrounds {

struct PromptTemplate {
  std::string id;
  std::string prompt;
  std::string negative_prompt;
};

struct PromptLibrary {
  std::vector<PromptTemplate> defaults;
  std::map<std::string, std::vector<PromptTemplate>> categories;

  // The category's templates, or the defaults for a category the library does not know.
  const std::vector<PromptTemplate>& for_category(const std::string& category) const;
};

// Throws std::invalid_argument naming `source` and the offending key or placeholder.
PromptLibrary parse_prompt_library(const std::string& json_text, const std::string& source);
PromptLibrary load_prompt_library(const std::filesystem::path& path);

// $BACKDROP_PROMPTS, else prompts/default.json in Backdrop's data folder (core/common/data_files.h:
// $BACKDROP_DATA_DIR or share/backdrop beside the program's bin/ folder).
std::optional<std::filesystem::path> find_default_prompt_library();

struct PromptValues {
  std::string product;
  std::string category;
  std::string color;  // empty: "soft neutral"
};

// The template with its placeholders replaced. Throws std::invalid_argument on an unknown or
// unclosed placeholder.
std::string fill_prompt(const std::string& text, const PromptValues& values);

}  // namespace backdrop::backgrounds
