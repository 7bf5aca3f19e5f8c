#pragma once
// A decision request's context, as the client sends it and as the impression log keeps it:
// features grouped by source, {"user": {...}, "product": {...}, "placement": {...}}, each value a
// string or a number. The category's feature schema picks the features it needs and encodes them.
//
// Schema features are named like the impression log names them, "<source>.<name>" (a bare
// "<name>" is accepted too); the client sends <name> inside its source's object.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bandit/feature_schema.h"

namespace backdrop::serving {

struct EncodedContext {
  std::vector<double> vector;  // schema.dimension() entries
  nlohmann::json features;     // the schema's features only, grouped by source, for the log
};

// Throws BadRequest naming every missing feature, every value that is not a string or a number,
// and every numeric feature whose value does not parse.
EncodedContext encode_context(const bandit::FeatureSchema& schema, const nlohmann::json& context);

// The name of a schema feature inside its source's object: "user.segment" -> "segment".
std::string_view name_within_source(const bandit::FeatureSpec& spec);

}  // namespace backdrop::serving
