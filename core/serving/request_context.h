#pragma once
// A decision request's context, as the client sends it and as the impression log keeps it:
// features grouped by source, {"user": {...}, "product": {...}, "placement": {...}}, each value a
// string or a number. The category's feature schema picks the features it needs and encodes them.
//
// Schema features are named like the impression log names them, "<source>.<name>" (a bare
// "<name>" is accepted too); the client sends <name> inside its source's object.
//
// A ContextEncoder is made once per category (bundle load), so that a request looks features up
// by keys made in advance, and encodes into an EncodedContext that a request thread reuses.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bandit/feature_schema.h"

namespace backdrop::serving {

struct EncodedContext {
  std::vector<double> vector;  // schema.dimension() entries
  // The schema's features only, grouped by source, for the log: the request's context itself
  // when it holds exactly those, else `filtered`. Valid while the request's context lives.
  const nlohmann::json* features = nullptr;
  nlohmann::json filtered;
  std::vector<std::string> texts;  // scratch: each feature's value as text (numbers as JSON text)
};

class ContextEncoder {
 public:
  explicit ContextEncoder(bandit::FeatureSchema schema);

  const bandit::FeatureSchema& schema() const { return schema_; }
  // Throws BadRequest naming every missing feature, every value that is not a string or a
  // number, and every numeric feature whose value does not parse.
  void encode(const nlohmann::json& context, EncodedContext& encoded) const;

 private:
  struct Key {
    std::string source;
    std::string name;
  };
  // Whether `context` has no group or feature beyond the schema's (all of which it has).
  bool holds_only_the_schema(const nlohmann::json& context) const;

  bandit::FeatureSchema schema_;
  std::vector<Key> keys_;  // per schema feature
  std::size_t distinct_sources_ = 0;
  std::size_t distinct_keys_ = 0;
};

// One-off encoding (tests, tools): the vector of a fresh encoder.
std::vector<double> encode_context(const bandit::FeatureSchema& schema, const nlohmann::json& context);

// The name of a schema feature inside its source's object: "user.segment" -> "segment".
std::string_view name_within_source(const bandit::FeatureSpec& spec);

}  // namespace backdrop::serving
