#include "models/schedulers/scheduler_config.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace backdrop::models {

namespace {

constexpr std::string_view kNonFiniteWords[] = {"-Infinity", "Infinity", "NaN"};

// Quotes Python's bare non-finite words outside strings, so that nlohmann::json reads them as the
// strings "-Infinity", "Infinity" and "NaN" (which `SchedulerConfig::number` understands).
std::string quote_non_finite_words(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool replaced = false;
    for (const auto word : kNonFiniteWords) {
      if (text.compare(i, word.size(), word) == 0) {
        out += '"';
        out += word;
        out += '"';
        i += word.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

std::optional<double> non_finite_from_word(const std::string& word) {
  if (word == "Infinity") return std::numeric_limits<double>::infinity();
  if (word == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (word == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

}  // namespace

nlohmann::json parse_diffusers_json(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(quote_non_finite_words(text));
  } catch (const nlohmann::json::exception& error) {
    throw SchedulerConfigError(origin + ": not valid JSON: " + error.what());
  }
}

nlohmann::json load_diffusers_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SchedulerConfigError("cannot open scheduler config '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_diffusers_json(text.str(), path.string());
}

SchedulerConfig::SchedulerConfig(nlohmann::json values, std::string owner)
    : values_(values.is_null() ? nlohmann::json::object() : std::move(values)), owner_(std::move(owner)) {
  if (!values_.is_object()) throw SchedulerConfigError(owner_ + ": the config must be a JSON object");
}

const nlohmann::json* SchedulerConfig::find(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool SchedulerConfig::is_set(const std::string& key) const { return find(key) != nullptr; }

void SchedulerConfig::fail(const std::string& key, const std::string& problem) const {
  const auto* value = find(key);
  throw SchedulerConfigError(owner_ + ": option '" + key + "'" + (value ? " = " + value->dump() : std::string()) +
                             ": " + problem);
}

int64_t SchedulerConfig::integer(const std::string& key, int64_t fallback) const {
  const auto* value = find(key);
  if (value == nullptr) return fallback;
  if (value->is_number_integer()) return value->get<int64_t>();
  // Python may write an integral float (1000.0) for an int option.
  if (value->is_number_float() && std::floor(value->get<double>()) == value->get<double>()) {
    return static_cast<int64_t>(value->get<double>());
  }
  fail(key, "expected an integer");
}

std::optional<double> SchedulerConfig::optional_number(const std::string& key) const {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_number()) return value->get<double>();
  if (value->is_string()) {
    if (const auto special = non_finite_from_word(value->get<std::string>())) return special;
  }
  fail(key, "expected a number");
}

double SchedulerConfig::number(const std::string& key, double fallback) const {
  return optional_number(key).value_or(fallback);
}

bool SchedulerConfig::boolean(const std::string& key, bool fallback) const {
  const auto* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) fail(key, "expected true or false");
  return value->get<bool>();
}

std::string SchedulerConfig::choice(const std::string& key, const std::string& fallback,
                                    std::initializer_list<const char*> allowed) const {
  const auto* value = find(key);
  if (value == nullptr) return fallback;
  std::string list;
  for (const char* option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
  if (!value->is_string()) fail(key, "expected a string, one of " + list);
  const auto text = value->get<std::string>();
  for (const char* option : allowed) {
    if (text == option) return text;
  }
  fail(key, "unknown value; supported: " + list);
}

std::vector<double> SchedulerConfig::numbers(const std::string& key) const {
  const auto* value = find(key);
  if (value == nullptr) return {};
  if (!value->is_array()) fail(key, "expected a list of numbers");
  std::vector<double> out;
  for (const auto& item : *value) {
    if (!item.is_number()) fail(key, "expected a list of numbers");
    out.push_back(item.get<double>());
  }
  return out;
}

void SchedulerConfig::require_boolean(const std::string& key, bool supported, bool fallback) const {
  if (boolean(key, fallback) != supported) {
    fail(key, std::string("only ") + (supported ? "true" : "false") + " is supported");
  }
}

}  // namespace backdrop::models
