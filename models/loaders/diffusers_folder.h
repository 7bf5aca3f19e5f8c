#pragma once
// Diffusers folders: a pipeline folder (model_index.json with unet/, vae/, text_encoder/,
// tokenizer/, scheduler/ and optionally controlnet/), or one model folder (config.json + weights,
// as a standalone ControlNet is published).
//
// Discovery only finds and checks the files (configs parse, weights exist); it names, for every
// component, the config and the weights it chose, so the GUI and the CLI can show them. Every
// problem of a folder is reported in one CheckpointError.
//
// Weights are `diffusion_pytorch_model.safetensors` (diffusers models) or `model.safetensors`
// (transformers models), their variants `<name>.<variant>.safetensors` (fp16 ...), or shards listed
// by `<name>.safetensors.index.json` (`<name>.safetensors.index.<variant>.json` for a variant).
// Pickle weights (`*.bin`, `*.ckpt`) are refused: loading them runs code from the file.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/loaders/torch_tensors.h"

namespace backdrop::models {

struct ComponentFiles {
  std::string name;                                  // the folder name: "unet", "vae", "controlnet" ...
  std::filesystem::path folder;
  std::filesystem::path config;                      // config.json (parsed once, a JSON object)
  std::vector<std::filesystem::path> weights;        // one file, or every shard in name order
  std::optional<std::filesystem::path> shard_index;  // the index, for sharded weights
  std::string variant;                               // of the chosen weights; empty for the plain files
  std::string note;                                  // why, when the choice is not the one asked for
};

struct TokenizerFiles {
  std::filesystem::path vocab;                 // vocab.json
  std::filesystem::path merges;                // merges.txt
  std::optional<std::filesystem::path> config;  // tokenizer_config.json, when present
};

struct ModelFiles {
  std::filesystem::path root;
  std::map<std::string, ComponentFiles> models;  // by folder name
  std::optional<TokenizerFiles> tokenizer;
  std::optional<std::filesystem::path> scheduler_config;
  std::vector<std::string> not_used;  // components model_index.json lists that the engine does not use
  std::string describe() const;
};

struct DiscoveryOptions {
  // Prefer the weights of this variant ("fp16"). When it is absent the plain weights are used; when
  // no variant is asked and only a variant exists, that one is used. Either way, `note` says so.
  std::string variant;
};

// A pipeline folder: model_index.json must list unet, vae, text_encoder and tokenizer.
ModelFiles discover_diffusers_pipeline(const std::filesystem::path& root, const DiscoveryOptions& options = {});

// One model folder: config.json and weights.
ComponentFiles discover_diffusers_model(const std::filesystem::path& folder, const DiscoveryOptions& options = {});

// Every tensor of a component's weights (all shards), diffusers names, views of the files unless
// `convert_to` is given. Shards must hold exactly the tensors their index assigns to them.
StateDict load_model_weights(const ComponentFiles& files, std::optional<c10::ScalarType> convert_to = std::nullopt);

// A JSON file; CheckpointError naming the file (and the line and column of a syntax error).
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace backdrop::models
