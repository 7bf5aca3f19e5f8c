#include "models/loaders/diffusers_folder.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "models/loaders/checkpoint_error.h"
#include "models/loaders/key_mapping.h"
#include "models/loaders/safetensors.h"

namespace backdrop::models {
namespace fs = std::filesystem;
namespace {

// diffusers models save `diffusion_pytorch_model.*`, transformers models `model.*`.
constexpr std::array<std::string_view, 2> kWeightStems{"diffusion_pytorch_model", "model"};
constexpr std::array<std::string_view, 4> kRequiredComponents{"unet", "vae", "text_encoder", "tokenizer"};
constexpr std::array<std::string_view, 1> kOptionalModels{"controlnet"};

// A problem list that becomes one error.
class Problems {
 public:
  void add(std::string problem) { problems_.push_back(std::move(problem)); }
  bool empty() const { return problems_.empty(); }
  [[noreturn]] void raise(const fs::path& where, const std::string& what) const {
    std::string message = where.string() + ": " + what;
    for (const auto& problem : problems_) message += "\n  " + problem;
    throw CheckpointError(message);
  }

 private:
  std::vector<std::string> problems_;
};

std::string weights_file_name(std::string_view stem, const std::string& variant) {
  return std::string(stem) + (variant.empty() ? "" : "." + variant) + ".safetensors";
}

std::string index_file_name(std::string_view stem, const std::string& variant) {
  return std::string(stem) + ".safetensors.index" + (variant.empty() ? "" : "." + variant) + ".json";
}

// The shard files an index names, checked to be plain names of existing files next to it.
std::vector<fs::path> shards_of(const fs::path& index_path) {
  const auto index = read_json_file(index_path);
  const auto weight_map = index.find("weight_map");
  if (weight_map == index.end() || !weight_map->is_object()) {
    throw CheckpointError(index_path.string() + ": no \"weight_map\" object");
  }
  std::set<std::string> names;
  for (const auto& [tensor, shard] : weight_map->items()) {
    if (!shard.is_string()) throw CheckpointError(index_path.string() + ": the shard of '" + tensor + "' is not a string");
    names.insert(shard.get<std::string>());
  }
  std::vector<fs::path> shards;
  for (const auto& name : names) {
    if (fs::path(name).filename() != name) {
      throw CheckpointError(index_path.string() + ": shard '" + name + "' is not a file name in the same folder");
    }
    const auto shard = index_path.parent_path() / name;
    if (!fs::is_regular_file(shard)) throw CheckpointError(index_path.string() + ": shard '" + name + "' is missing");
    shards.push_back(shard);
  }
  return shards;
}

// The weights of `variant` in `folder`, single file first, then shards.
bool find_variant_weights(const fs::path& folder, const std::string& variant, ComponentFiles& files) {
  for (const auto stem : kWeightStems) {
    const auto single = folder / weights_file_name(stem, variant);
    if (fs::is_regular_file(single)) {
      files.weights = {single};
      files.variant = variant;
      return true;
    }
    const auto index = folder / index_file_name(stem, variant);
    if (fs::is_regular_file(index)) {
      files.weights = shards_of(index);
      files.shard_index = index;
      files.variant = variant;
      return true;
    }
  }
  return false;
}

// The variants present in `folder` (`model.fp16.safetensors` -> "fp16"), sorted.
std::vector<std::string> variants_in(const fs::path& folder) {
  std::set<std::string> variants;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const auto name = entry.path().filename().string();
    for (const auto stem : kWeightStems) {
      const std::string prefix = std::string(stem) + ".";
      const std::string suffix = ".safetensors";
      if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix)) {
        const auto variant = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (variant.find('.') == std::string::npos && variant.find('-') == std::string::npos) variants.insert(variant);
      }
    }
  }
  return {variants.begin(), variants.end()};
}

std::vector<std::string> pickle_files_in(const fs::path& folder) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const auto extension = entry.path().extension().string();
    if (extension == ".bin" || extension == ".ckpt" || extension == ".pt" || extension == ".pth") {
      found.push_back(entry.path().filename().string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

// Chooses the weights of a model folder (see DiscoveryOptions); throws CheckpointError when none fit.
void choose_weights(const fs::path& folder, const DiscoveryOptions& options, ComponentFiles& files) {
  if (!options.variant.empty()) {
    if (find_variant_weights(folder, options.variant, files)) return;
    if (find_variant_weights(folder, "", files)) {
      files.note = "no " + options.variant + " variant; using " + files.weights.front().filename().string();
      return;
    }
  } else if (find_variant_weights(folder, "", files)) {
    return;
  }
  for (const auto& variant : variants_in(folder)) {
    if (variant != options.variant && find_variant_weights(folder, variant, files)) {
      files.note = "only the " + variant + " variant is present; using " + files.weights.front().filename().string();
      return;
    }
  }
  const auto pickles = pickle_files_in(folder);
  if (!pickles.empty()) {
    throw CheckpointError(folder.string() + ": only pickle weights (" + pickles.front() +
                          ") are present; they are not supported, because loading them runs code from the file: "
                          "convert them to safetensors");
  }
  throw CheckpointError(folder.string() + ": no weights (diffusion_pytorch_model.safetensors or model.safetensors" +
                        (options.variant.empty() ? "" : ", or their " + options.variant + " variant") + ")");
}

// The config and weights of one model folder, or the problem that stops it.
ComponentFiles model_files(const fs::path& folder, const DiscoveryOptions& options) {
  if (!fs::is_directory(folder)) throw CheckpointError(folder.string() + ": folder missing");
  ComponentFiles files;
  files.name = folder.filename().string();
  files.folder = folder;
  files.config = folder / "config.json";
  if (!fs::is_regular_file(files.config)) throw CheckpointError(files.config.string() + ": missing");
  if (!read_json_file(files.config).is_object()) throw CheckpointError(files.config.string() + ": not a JSON object");
  choose_weights(folder, options, files);
  return files;
}

TokenizerFiles tokenizer_files(const fs::path& folder) {
  if (!fs::is_directory(folder)) throw CheckpointError(folder.string() + ": folder missing");
  TokenizerFiles files{folder / "vocab.json", folder / "merges.txt", std::nullopt};
  for (const auto& path : {files.vocab, files.merges}) {
    if (!fs::is_regular_file(path)) throw CheckpointError(path.string() + ": missing");
  }
  if (fs::is_regular_file(folder / "tokenizer_config.json")) files.config = folder / "tokenizer_config.json";
  return files;
}

fs::path scheduler_config(const fs::path& folder) {
  const auto path = folder / "scheduler_config.json";
  if (!fs::is_regular_file(path)) throw CheckpointError(path.string() + ": missing");
  read_json_file(path);
  return path;
}

// The components model_index.json lists with a class (`"vae": ["diffusers", "AutoencoderKL"]`);
// `_class_name`, flags and `[null, null]` entries are not components.
std::set<std::string> listed_components(const nlohmann::json& model_index) {
  std::set<std::string> components;
  for (const auto& [name, value] : model_index.items()) {
    if (name.starts_with("_") || !value.is_array() || value.size() != 2 || value[1].is_null()) continue;
    components.insert(name);
  }
  return components;
}

// Runs `find` and records its CheckpointError as a problem instead of stopping.
template <typename Find>
void collect(Problems& problems, Find&& find) {
  try {
    find();
  } catch (const CheckpointError& error) {
    problems.add(error.what());
  }
}

std::string relative_to(const fs::path& path, const fs::path& root) { return path.lexically_relative(root).string(); }

}  // namespace

nlohmann::json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw CheckpointError(path.string() + ": cannot read");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw CheckpointError(path.string() + ": invalid JSON: " + error.what());
  }
}

ComponentFiles discover_diffusers_model(const fs::path& folder, const DiscoveryOptions& options) {
  return model_files(folder, options);
}

ModelFiles discover_diffusers_pipeline(const fs::path& root, const DiscoveryOptions& options) {
  const auto index_path = root / "model_index.json";
  if (!fs::is_directory(root)) throw CheckpointError(root.string() + ": not a folder");
  if (!fs::is_regular_file(index_path)) {
    throw CheckpointError(root.string() + ": no model_index.json, so not a diffusers pipeline folder" +
                          (fs::is_regular_file(root / "config.json") ? " (it is a single model folder)" : ""));
  }
  const auto model_index = read_json_file(index_path);
  if (!model_index.is_object()) throw CheckpointError(index_path.string() + ": not a JSON object");

  ModelFiles files;
  files.root = root;
  Problems problems;
  auto listed = listed_components(model_index);
  for (const auto name : kRequiredComponents) {
    if (listed.count(std::string(name)) == 0) problems.add("model_index.json does not list '" + std::string(name) + "'");
  }
  for (const auto& name : listed) {
    const auto folder = root / name;
    if (name == "tokenizer") {
      collect(problems, [&] { files.tokenizer = tokenizer_files(folder); });
    } else if (name == "scheduler") {
      collect(problems, [&] { files.scheduler_config = scheduler_config(folder); });
    } else if (std::ranges::find(kRequiredComponents, name) != kRequiredComponents.end() ||
               std::ranges::find(kOptionalModels, name) != kOptionalModels.end()) {
      collect(problems, [&] { files.models.emplace(name, model_files(folder, options)); });
    } else {
      files.not_used.push_back(name);
    }
  }
  if (!problems.empty()) problems.raise(root, "incomplete diffusers folder");
  return files;
}

std::string ModelFiles::describe() const {
  std::ostringstream text;
  text << root.string() << ": diffusers pipeline folder";
  for (const auto& [name, component] : models) {
    text << "\n  " << name << ": " << relative_to(component.config, root);
    for (const auto& weights : component.weights) text << ", " << relative_to(weights, root);
    if (component.shard_index) text << " (shards of " << relative_to(*component.shard_index, root) << ")";
    if (!component.note.empty()) text << " [" << component.note << "]";
  }
  if (tokenizer) text << "\n  tokenizer: " << relative_to(tokenizer->vocab, root) << ", " << relative_to(tokenizer->merges, root);
  if (scheduler_config) text << "\n  scheduler: " << relative_to(*scheduler_config, root);
  if (!not_used.empty()) {
    text << "\n  not used:";
    for (const auto& name : not_used) text << " " << name;
  }
  return text.str();
}

StateDict load_model_weights(const ComponentFiles& files, std::optional<c10::ScalarType> convert_to) {
  if (!files.shard_index) {
    if (files.weights.size() != 1) throw CheckpointError(files.folder.string() + ": expected one weights file");
    return load_safetensors(files.weights.front(), convert_to);
  }
  const auto index = read_json_file(*files.shard_index);
  const auto& weight_map = index.at("weight_map");
  StateDict tensors;
  std::vector<std::string> absent;
  std::vector<std::string> unlisted;
  for (const auto& shard_path : files.weights) {
    const auto shard_name = shard_path.filename().string();
    const auto shard = SafetensorsFile::open(shard_path);
    for (const auto& [name, view] : shard->tensors()) {
      const auto listed = weight_map.find(name);
      if (listed == weight_map.end() || *listed != shard_name) {
        unlisted.push_back(name + " (in " + shard_name + ")");
        continue;
      }
      tensors.emplace(name, to_torch(view, shard, convert_to));
    }
  }
  for (const auto& [name, shard] : weight_map.items()) {
    if (tensors.count(name) == 0) absent.push_back(name + " (listed in " + shard.get<std::string>() + ")");
  }
  if (!absent.empty() || !unlisted.empty()) {
    std::string message = files.shard_index->string() + ": the shards do not match their index";
    if (!absent.empty()) message += format_key_list("tensors missing from their shard", absent);
    if (!unlisted.empty()) message += format_key_list("tensors the index does not assign to that shard", unlisted);
    throw CheckpointError(message);
  }
  return tensors;
}

}  // namespace backdrop::models
