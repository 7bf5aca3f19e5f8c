#include "core/bandit/feature_schema.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

namespace backdrop::bandit {
namespace {

template <typename Enum, std::size_t N>
Enum enum_from_string(const std::string& text, const std::array<Enum, N>& values, const std::string& key) {
  for (Enum value : values) {
    if (to_string(value) == text) return value;
  }
  throw FeatureError("feature schema: unknown " + key + " '" + text + "'");
}

const nlohmann::json& require(const nlohmann::json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw FeatureError("feature schema: " + where + " has no '" + key + "'");
  }
  return object.at(key);
}

}  // namespace

std::string_view to_string(FeatureSource source) {
  switch (source) {
    case FeatureSource::user: return "user";
    case FeatureSource::product: return "product";
    case FeatureSource::placement: return "placement";
  }
  return "?";
}

std::string_view to_string(FeatureEncoding encoding) {
  switch (encoding) {
    case FeatureEncoding::one_hot: return "one_hot";
    case FeatureEncoding::hashed: return "hashed";
    case FeatureEncoding::numeric: return "numeric";
  }
  return "?";
}

int FeatureSpec::width() const {
  switch (encoding) {
    case FeatureEncoding::one_hot: return static_cast<int>(levels.size()) - (drop_first && !levels.empty() ? 1 : 0);
    case FeatureEncoding::hashed: return buckets;
    case FeatureEncoding::numeric: return 1;
  }
  return 0;
}

FeatureSpec one_hot_feature(std::string name, FeatureSource source, std::vector<std::string> observed,
                            bool drop_first) {
  std::sort(observed.begin(), observed.end());
  observed.erase(std::unique(observed.begin(), observed.end()), observed.end());
  FeatureSpec spec;
  spec.name = std::move(name);
  spec.source = source;
  spec.encoding = FeatureEncoding::one_hot;
  spec.levels = std::move(observed);
  spec.drop_first = drop_first;
  return spec;
}

FeatureSchema::FeatureSchema(std::vector<FeatureSpec> features) : features_(std::move(features)) {
  std::set<std::string> names;
  for (const auto& spec : features_) {
    if (spec.name.empty()) throw FeatureError("feature schema: a feature has an empty name");
    if (!names.insert(spec.name).second) throw FeatureError("feature schema: duplicate feature '" + spec.name + "'");
    if (spec.encoding == FeatureEncoding::one_hot &&
        std::adjacent_find(spec.levels.begin(), spec.levels.end(), std::greater_equal<>()) != spec.levels.end()) {
      throw FeatureError("feature schema: levels of '" + spec.name + "' are not sorted and distinct");
    }
    if (spec.encoding == FeatureEncoding::hashed && spec.buckets <= 0) {
      throw FeatureError("feature schema: hashed feature '" + spec.name + "' needs a positive number of buckets");
    }
    offsets_.push_back(dimension_);
    dimension_ += spec.width();
  }
}

std::optional<std::size_t> FeatureSchema::find(std::string_view name) const {
  for (std::size_t i = 0; i < features_.size(); ++i) {
    if (features_[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> FeatureSchema::column_names() const {
  std::vector<std::string> names;
  for (const auto& spec : features_) {
    switch (spec.encoding) {
      case FeatureEncoding::one_hot:
        for (std::size_t l = spec.drop_first ? 1 : 0; l < spec.levels.size(); ++l) {
          names.push_back(spec.name + "_" + spec.levels[l]);
        }
        break;
      case FeatureEncoding::hashed:
        for (int b = 0; b < spec.buckets; ++b) names.push_back(spec.name + "#" + std::to_string(b));
        break;
      case FeatureEncoding::numeric: names.push_back(spec.name); break;
    }
  }
  return names;
}

void FeatureSchema::encode(std::span<const std::string_view> raw, std::span<double> out) const {
  if (raw.size() != features_.size() || out.size() != static_cast<std::size_t>(dimension_)) {
    throw FeatureError("feature schema: encode got " + std::to_string(raw.size()) + " values for " +
                       std::to_string(features_.size()) + " features and an output of " + std::to_string(out.size()) +
                       " for dimension " + std::to_string(dimension_));
  }
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t f = 0; f < features_.size(); ++f) {
    const auto& spec = features_[f];
    double* column = out.data() + offsets_[f];
    switch (spec.encoding) {
      case FeatureEncoding::one_hot: {
        const auto it = std::lower_bound(spec.levels.begin(), spec.levels.end(), raw[f]);
        if (it == spec.levels.end() || *it != raw[f]) break;
        const auto level = it - spec.levels.begin();
        if (spec.drop_first && level == 0) break;
        column[level - (spec.drop_first ? 1 : 0)] = 1.0;
        break;
      }
      case FeatureEncoding::hashed:
        column[stable_hash(raw[f]) % static_cast<uint64_t>(spec.buckets)] = 1.0;
        break;
      case FeatureEncoding::numeric: {
        const auto value = parse_double(raw[f]);
        if (!value) throw FeatureError("feature '" + spec.name + "': '" + std::string(raw[f]) + "' is not a number");
        column[0] = *value;
        break;
      }
    }
  }
}

nlohmann::json FeatureSchema::to_json() const {
  auto features = nlohmann::json::array();
  for (const auto& spec : features_) {
    nlohmann::json entry{{"name", spec.name}, {"source", to_string(spec.source)}, {"encoding", to_string(spec.encoding)}};
    if (spec.encoding == FeatureEncoding::one_hot) {
      entry["levels"] = spec.levels;
      entry["drop_first"] = spec.drop_first;
    }
    if (spec.encoding == FeatureEncoding::hashed) entry["buckets"] = spec.buckets;
    features.push_back(std::move(entry));
  }
  return {{"features", features}, {"dimension", dimension_}};
}

FeatureSchema FeatureSchema::from_json(const nlohmann::json& json) {
  static constexpr std::array sources{FeatureSource::user, FeatureSource::product, FeatureSource::placement};
  static constexpr std::array encodings{FeatureEncoding::one_hot, FeatureEncoding::hashed, FeatureEncoding::numeric};
  std::vector<FeatureSpec> specs;
  try {
    const auto& features = require(json, "features", "the schema");
    if (!features.is_array()) throw FeatureError("feature schema: 'features' is not a list");
    for (std::size_t i = 0; i < features.size(); ++i) {
      const auto& entry = features[i];
      const std::string where = "feature " + std::to_string(i);
      FeatureSpec spec;
      spec.name = require(entry, "name", where).get<std::string>();
      spec.source = enum_from_string(require(entry, "source", where).get<std::string>(), sources, "source");
      spec.encoding = enum_from_string(require(entry, "encoding", where).get<std::string>(), encodings, "encoding");
      if (spec.encoding == FeatureEncoding::one_hot) {
        spec.levels = require(entry, "levels", where).get<std::vector<std::string>>();
        spec.drop_first = entry.value("drop_first", false);
      }
      if (spec.encoding == FeatureEncoding::hashed) spec.buckets = require(entry, "buckets", where).get<int>();
      specs.push_back(std::move(spec));
    }
  } catch (const nlohmann::json::exception& error) {
    throw FeatureError(std::string("feature schema: ") + error.what());
  }
  FeatureSchema schema(std::move(specs));
  if (json.contains("dimension") && json.at("dimension") != schema.dimension()) {
    throw FeatureError("feature schema: declared dimension " + json.at("dimension").dump() +
                       " but the features give " + std::to_string(schema.dimension()));
  }
  return schema;
}

uint64_t stable_hash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace backdrop::bandit
