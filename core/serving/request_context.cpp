#include "core/serving/request_context.h"

#include <set>
#include <string>
#include <utility>

#include "core/serving/json_text.h"
#include "core/serving/serving_errors.h"

namespace backdrop::serving {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

std::string_view name_within_source(const bandit::FeatureSpec& spec) {
  const std::string_view name = spec.name;
  const auto source = bandit::to_string(spec.source);
  if (name.size() > source.size() && name.starts_with(source) && name[source.size()] == '.') {
    return name.substr(source.size() + 1);
  }
  return name;
}

ContextEncoder::ContextEncoder(bandit::FeatureSchema schema) : schema_(std::move(schema)) {
  std::set<std::string> sources;
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& spec : schema_.features()) {
    keys_.push_back({std::string(bandit::to_string(spec.source)), std::string(name_within_source(spec))});
    sources.insert(keys_.back().source);
    keys.insert({keys_.back().source, keys_.back().name});
  }
  distinct_sources_ = sources.size();
  distinct_keys_ = keys.size();
}

bool ContextEncoder::holds_only_the_schema(const nlohmann::json& context) const {
  if (context.size() != distinct_sources_) return false;
  std::size_t features = 0;
  for (const auto& group : context) {
    if (!group.is_object()) return false;
    features += group.size();
  }
  return features == distinct_keys_;
}

void ContextEncoder::encode(const nlohmann::json& context, EncodedContext& encoded) const {
  if (!context.is_object()) throw BadRequest("'context' must be an object of user, product and placement features");
  encoded.texts.resize(keys_.size());
  std::vector<std::string> missing, malformed;
  for (std::size_t f = 0; f < keys_.size(); ++f) {
    const auto& [source, name] = keys_[f];
    const auto group = context.find(source);
    const auto value = group != context.end() && group->is_object() ? group->find(name) : context.end();
    if (group == context.end() || !group->is_object() || value == group->end()) {
      missing.push_back(source + "." + name);
      continue;
    }
    auto& text = encoded.texts[f];  // numbers as their JSON text, like the log loader
    text.clear();
    if (value->is_string()) {
      text += value->get_ref<const std::string&>();
    } else if (value->is_number()) {
      append_json(text, *value);
    } else {
      malformed.push_back(source + "." + name + " is not a string or a number");
    }
  }
  if (!missing.empty()) throw BadRequest("missing features: " + join(missing));
  if (!malformed.empty()) throw BadRequest(join(malformed));

  thread_local std::vector<std::string_view> raw;
  raw.assign(encoded.texts.begin(), encoded.texts.end());
  encoded.vector.resize(static_cast<std::size_t>(schema_.dimension()));
  try {
    schema_.encode(raw, encoded.vector);
  } catch (const bandit::FeatureError& error) {
    throw BadRequest(error.what());
  }

  if (holds_only_the_schema(context)) {
    encoded.features = &context;
    return;
  }
  encoded.filtered = nlohmann::json::object();
  for (std::size_t f = 0; f < keys_.size(); ++f) {
    const auto& [source, name] = keys_[f];
    encoded.filtered[source][name] = context.at(source).at(name);
  }
  encoded.features = &encoded.filtered;
}

std::vector<double> encode_context(const bandit::FeatureSchema& schema, const nlohmann::json& context) {
  EncodedContext encoded;
  ContextEncoder(schema).encode(context, encoded);
  return std::move(encoded.vector);
}

}  // namespace backdrop::serving
