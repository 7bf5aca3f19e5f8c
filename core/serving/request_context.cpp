#include "core/serving/request_context.h"

#include <string>

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

EncodedContext encode_context(const bandit::FeatureSchema& schema, const nlohmann::json& context) {
  if (!context.is_object()) throw BadRequest("'context' must be an object of user, product and placement features");
  const auto& specs = schema.features();
  std::vector<std::string> texts(specs.size());  // numbers as their JSON text, like the log loader
  std::vector<std::string> missing, malformed;
  EncodedContext encoded{{}, nlohmann::json::object()};
  for (std::size_t f = 0; f < specs.size(); ++f) {
    const auto source = std::string(bandit::to_string(specs[f].source));
    const auto name = std::string(name_within_source(specs[f]));
    const auto group = context.find(source);
    const auto value = group != context.end() && group->is_object() ? group->find(name) : context.end();
    if (group == context.end() || !group->is_object() || value == group->end()) {
      missing.push_back(source + "." + name);
      continue;
    }
    if (!value->is_string() && !value->is_number()) {
      malformed.push_back(source + "." + name + " is not a string or a number");
      continue;
    }
    texts[f] = value->is_string() ? value->get<std::string>() : value->dump();
    encoded.features[source][name] = *value;
  }
  if (!missing.empty()) throw BadRequest("missing features: " + join(missing));
  if (!malformed.empty()) throw BadRequest(join(malformed));

  const std::vector<std::string_view> raw(texts.begin(), texts.end());
  encoded.vector.resize(static_cast<std::size_t>(schema.dimension()));
  try {
    schema.encode(raw, encoded.vector);
  } catch (const bandit::FeatureError& error) {
    throw BadRequest(error.what());
  }
  return encoded;
}

}  // namespace backdrop::serving
