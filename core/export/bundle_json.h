#pragma once
// manifest.json and categories/<slug>.json <-> the structs of bundle.h.
//
// Reading checks every key's presence and type, the format tags and schema version, the shape of
// hashes and paths, and that a category's arms, priors and images agree with each other. Errors
// are BundleError: "<origin>: <key path>: <problem>", e.g. "manifest.json: files[2].sha256: ...".
// Whether the listed files exist and match is the reader's job (bundle_reader.h).

#include <string>

#include <nlohmann/json.hpp>

#include "core/export/bundle.h"

namespace backdrop::exporting {

nlohmann::json manifest_to_json(const BundleManifest& manifest);
BundleManifest manifest_from_json(const nlohmann::json& json, const std::string& origin);

nlohmann::json category_to_json(const CategoryBundle& category);
CategoryBundle category_from_json(const nlohmann::json& json, const std::string& origin);

nlohmann::json policy_to_json(const PolicySettings& policy);
PolicySettings policy_from_json(const nlohmann::json& json, const std::string& origin);

}  // namespace backdrop::exporting
