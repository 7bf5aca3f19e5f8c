#pragma once
// Building checkpoints for the loader tests out of the diffusion fixtures: the fixture key maps
// (tiny_*_ldm_keymap.json) stand in for the mappings the model folders compute from their configs.

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/loaders/diffusers_folder.h"
#include "models/loaders/key_mapping.h"
#include "models/loaders/torch_tensors.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

namespace backdrop::test {

// A fixture key map: the mapping, and the shape each tensor has under its original name.
struct FixtureKeyMap {
  models::KeyMapping mapping;
  std::map<std::string, std::vector<int64_t>> ldm_shapes;  // by diffusers key
};

// Reads `tiny_<model>_ldm_keymap.json`. Tensors whose original shape is [C, C, 1, 1] while the
// diffusers one is [C, C] get the VAE's reshape.
inline FixtureKeyMap fixture_keymap(const std::string& file_name, const models::StateDict& diffusers) {
  const auto json = models::read_json_file(diffusion_fixtures() / file_name);
  FixtureKeyMap keymap;
  for (const auto& [key, entry] : json.items()) {
    keymap.mapping.diffusers_to_ldm[key] = entry.at("ldm").get<std::string>();
    keymap.ldm_shapes[key] = entry.at("ldm_shape").get<std::vector<int64_t>>();
  }
  std::set<std::string> reshaped;
  for (const auto& [key, shape] : keymap.ldm_shapes) {
    if (shape.size() == 4 && diffusers.at(key).dim() == 2) reshaped.insert(key);
  }
  keymap.mapping.transform = models::conv1x1_to_linear([reshaped](const std::string& key) { return reshaped.count(key) != 0; });
  return keymap;
}

// The text encoder's original names are its transformers names under one prefix.
inline models::KeyMapping prefix_mapping(const models::StateDict& diffusers, const std::string& prefix) {
  models::KeyMapping mapping;
  for (const auto& [key, tensor] : diffusers) mapping.diffusers_to_ldm[key] = prefix + key;
  return mapping;
}

// `diffusers` under the original names and shapes of `keymap`.
inline models::StateDict to_ldm(const models::StateDict& diffusers, const FixtureKeyMap& keymap) {
  models::StateDict ldm;
  for (const auto& [key, tensor] : diffusers) {
    ldm.emplace(keymap.mapping.diffusers_to_ldm.at(key), tensor.reshape(keymap.ldm_shapes.at(key)));
  }
  return ldm;
}

inline models::StateDict to_ldm(const models::StateDict& diffusers, const models::KeyMapping& mapping) {
  models::StateDict ldm;
  for (const auto& [key, tensor] : diffusers) ldm.emplace(mapping.diffusers_to_ldm.at(key), tensor);
  return ldm;
}

inline void merge_into(models::StateDict& target, const models::StateDict& source) {
  for (const auto& [key, tensor] : source) target.insert_or_assign(key, tensor);
}

// Same names, dtypes and values.
inline void check_identical(const models::StateDict& actual, const models::StateDict& expected) {
  std::vector<std::string> actual_names;
  std::vector<std::string> expected_names;
  for (const auto& item : actual) actual_names.push_back(item.first);
  for (const auto& item : expected) expected_names.push_back(item.first);
  REQUIRE(actual_names == expected_names);
  for (const auto& [key, tensor] : expected) {
    INFO(key);
    CHECK((actual.at(key).scalar_type() == tensor.scalar_type()));
    CHECK(torch::equal(actual.at(key), tensor));
  }
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// The exception message of `action`, or "" when it throws nothing.
template <typename Error, typename Action>
std::string error_message(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace backdrop::test
