#include "core/backgrounds/prompt_library.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/common/data_files.h"

namespace backdrop::backgrounds {
namespace {

constexpr const char* kNoColour = "soft neutral";

std::optional<std::string> placeholder_value(const std::string& name, const PromptValues& values) {
  if (name == "product") return values.product;
  if (name == "category") return values.category;
  if (name == "color") return values.color.empty() ? std::string(kNoColour) : values.color;
  return std::nullopt;
}

std::string required_string(const nlohmann::json& item, const char* key, const std::string& where) {
  const auto it = item.find(key);
  if (it == item.end() || !it->is_string()) throw std::invalid_argument(where + ": '" + key + "' must be a string");
  return it->get<std::string>();
}

std::vector<PromptTemplate> parse_templates(const nlohmann::json& list, const std::string& where) {
  if (!list.is_array() || list.empty()) throw std::invalid_argument(where + " must be a non-empty list of prompts");
  std::vector<PromptTemplate> templates;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto item_where = where + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) throw std::invalid_argument(item_where + " must be an object");
    PromptTemplate entry{required_string(list[i], "id", item_where), required_string(list[i], "prompt", item_where),
                         list[i].value("negative_prompt", std::string())};
    // Fails now, with the place, rather than when a variant is made.
    try {
      fill_prompt(entry.prompt, {"p", "c", "x"});
      fill_prompt(entry.negative_prompt, {"p", "c", "x"});
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(item_where + ": " + error.what());
    }
    templates.push_back(std::move(entry));
  }
  return templates;
}

}  // namespace

const std::vector<PromptTemplate>& PromptLibrary::for_category(const std::string& category) const {
  const auto it = categories.find(category);
  return it == categories.end() ? defaults : it->second;
}

PromptLibrary parse_prompt_library(const std::string& json_text, const std::string& source) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {
    throw std::invalid_argument(source + ": " + error.what());
  }
  if (!json.is_object() || !json.contains("default")) {
    throw std::invalid_argument(source + ": needs a 'default' list of prompts");
  }
  PromptLibrary library;
  library.defaults = parse_templates(json.at("default"), source + ": default");
  if (const auto it = json.find("categories"); it != json.end()) {
    if (!it->is_object()) throw std::invalid_argument(source + ": 'categories' must be an object");
    for (const auto& [category, list] : it->items()) {
      library.categories[category] = parse_templates(list, source + ": categories." + category);
    }
  }
  return library;
}

PromptLibrary load_prompt_library(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_prompt_library(text.str(), path.string());
}

std::optional<std::filesystem::path> find_default_prompt_library() {
  return find_data_file("prompts/default.json", "BACKDROP_PROMPTS");
}

std::string fill_prompt(const std::string& text, const PromptValues& values) {
  std::string out;
  std::size_t position = 0;
  while (position < text.size()) {
    const auto open = text.find('{', position);
    if (open == std::string::npos) break;
    const auto close = text.find('}', open);
    if (close == std::string::npos) throw std::invalid_argument("unclosed placeholder in '" + text + "'");
    const auto name = text.substr(open + 1, close - open - 1);
    const auto value = placeholder_value(name, values);
    if (!value) throw std::invalid_argument("unknown placeholder {" + name + "} in '" + text + "'");
    out += text.substr(position, open - position);
    out += *value;
    position = close + 1;
  }
  out += text.substr(std::min(position, text.size()));
  return out;
}

}  // namespace backdrop::backgrounds
