// Reading LoRA files and matching their modules to a model's weights (lora.h).

#include "models/loaders/lora.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "models/loaders/key_mapping.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/torch_tensors.h"

namespace backdrop::models {
namespace {

enum class Part { down, up, alpha };

struct KeySuffix {
  const char* text;
  Part part;
};
constexpr std::array<KeySuffix, 3> kKohyaSuffixes{
    {{".lora_down.weight", Part::down}, {".lora_up.weight", Part::up}, {".alpha", Part::alpha}}};
constexpr std::array<KeySuffix, 3> kPeftSuffixes{
    {{".lora_A.weight", Part::down}, {".lora_B.weight", Part::up}, {".alpha", Part::alpha}}};

// A file key split into what it names: the target, the module as the file spells it, the factor.
struct KeyParts {
  const LoraTarget* target;
  std::string module;
  Part part;
  bool kohya;
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

std::optional<std::pair<std::string, Part>> strip_suffix(const std::string& rest, const auto& suffixes) {
  for (const auto& suffix : suffixes) {
    const std::string text = suffix.text;
    if (rest.size() > text.size() && rest.compare(rest.size() - text.size(), text.size(), text) == 0) {
      return std::pair{rest.substr(0, rest.size() - text.size()), suffix.part};
    }
  }
  return std::nullopt;
}

std::optional<KeyParts> split_key(const std::string& key, const std::vector<LoraTarget>& targets) {
  for (const auto& target : targets) {
    if (starts_with(key, target.kohya_prefix)) {
      const auto found = strip_suffix(key.substr(target.kohya_prefix.size()), kKohyaSuffixes);
      if (found) return KeyParts{&target, found->first, found->second, true};
    }
    if (starts_with(key, target.name + ".")) {
      const auto found = strip_suffix(key.substr(target.name.size() + 1), kPeftSuffixes);
      if (found) return KeyParts{&target, found->first, found->second, false};
    }
  }
  return std::nullopt;
}

std::string underscored(std::string path) {
  std::replace(path.begin(), path.end(), '.', '_');
  return path;
}

// The weights a LoRA can change in one target (linear and convolution weights), and the names
// files use for them: the module path, its aliases and the underscore forms of both.
class ModuleIndex {
 public:
  explicit ModuleIndex(const LoraTarget& target) {
    const std::string suffix = ".weight";
    for (const auto& item : target.module->named_parameters(/*recurse=*/true)) {
      const auto& name = item.key();
      const auto dims = item.value().dim();
      if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      if (dims != 2 && dims != 4) continue;
      const auto path = name.substr(0, name.size() - suffix.size());
      shapes_.emplace(path, item.value().sizes().vec());
      add_name(path, path);
    }
    for (const auto& [alias, path] : target.aliases) {
      if (shapes_.count(path) != 0) add_name(alias, path);
    }
  }

  // The module path a file's name stands for; nullopt when none (or, for a kohya name, several).
  std::optional<std::string> resolve(const std::string& name, bool kohya) const {
    const auto& names = kohya ? underscored_ : dotted_;
    const auto found = names.find(name);
    if (found == names.end() || found->second.empty()) return std::nullopt;
    return found->second;
  }

  const std::vector<int64_t>& shape(const std::string& path) const { return shapes_.at(path); }

 private:
  void add_name(const std::string& name, const std::string& path) {
    dotted_.emplace(name, path);
    const auto [it, inserted] = underscored_.emplace(underscored(name), path);
    if (!inserted && it->second != path) it->second.clear();  // ambiguous without its dots
  }

  std::map<std::string, std::vector<int64_t>> shapes_;
  std::map<std::string, std::string> dotted_;
  std::map<std::string, std::string> underscored_;
};

// The keys of one module in the file.
struct ModuleKeys {
  KeyParts parts;
  std::map<Part, std::string> keys;
  std::map<Part, torch::Tensor> tensors;
};

std::string shape_text(c10::IntArrayRef shape) {
  std::ostringstream text;
  text << shape;
  return text.str();
}

std::vector<int64_t> without_trailing_ones(std::vector<int64_t> shape) {
  while (shape.size() > 2 && shape.back() == 1) shape.pop_back();
  return shape;
}

// Empty when up @ down fits the weight (a 1x1 convolution and a linear layer count as the same).
std::string shape_problem(const ModuleKeys& module, const std::vector<int64_t>& weight, const std::string& path) {
  const auto& down = module.tensors.at(Part::down);
  const auto& up = module.tensors.at(Part::up);
  const auto describe = [&] {
    return module.keys.at(Part::up) + " " + shape_text(up.sizes()) + " and " + module.keys.at(Part::down) + " " +
           shape_text(down.sizes());
  };
  const bool factor_dims = (down.dim() == 2 || down.dim() == 4) && (up.dim() == 2 || up.dim() == 4);
  const bool up_is_1x1 = up.dim() == 2 || (up.size(2) == 1 && up.size(3) == 1);
  if (!factor_dims || !up_is_1x1 || up.size(1) != down.size(0)) return describe() + " are not LoRA factors of one rank";
  auto product = down.sizes().vec();
  product[0] = up.size(0);
  if (without_trailing_ones(product) == without_trailing_ones(weight)) return {};
  return describe() + " make " + shape_text(product) + ", but " + path + ".weight is " + shape_text(weight);
}

std::vector<std::string> all_keys(const ModuleKeys& module) {
  std::vector<std::string> keys;
  for (const auto& [part, key] : module.keys) keys.push_back(key);
  return keys;
}

// Groups the file's tensors by module; keys that name no LoRA factor of a target go to `unmatched`.
std::map<std::string, ModuleKeys> group_by_module(const std::shared_ptr<const SafetensorsFile>& file,
                                                  const std::vector<LoraTarget>& targets,
                                                  std::vector<std::string>& unmatched) {
  std::map<std::string, ModuleKeys> modules;
  for (const auto& [key, view] : file->tensors()) {
    const auto parts = split_key(key, targets);
    if (!parts) {
      unmatched.push_back(key);
      continue;
    }
    auto& module =
        modules.try_emplace(parts->target->name + "/" + parts->module, ModuleKeys{*parts, {}, {}}).first->second;
    module.keys[parts->part] = key;
    module.tensors[parts->part] = to_torch(view, file);
  }
  return modules;
}

double alpha_scale(const ModuleKeys& module) {
  const auto alpha = module.tensors.find(Part::alpha);
  if (alpha == module.tensors.end()) return 1.0;
  return alpha->second.to(torch::kFloat64).item<double>() / static_cast<double>(module.tensors.at(Part::down).size(0));
}

std::string format_name(bool kohya, bool peft) {
  if (kohya && peft) return "kohya+peft";
  return kohya ? "kohya" : "peft";
}

}  // namespace

LoraTarget unet_lora_target(torch::nn::Module& unet, std::map<std::string, std::string> aliases) {
  return {"unet", "lora_unet_", &unet, std::move(aliases)};
}

LoraTarget text_encoder_lora_target(torch::nn::Module& text_encoder) {
  return {"text_encoder", "lora_te_", &text_encoder, {}};
}

LoraWeights load_lora_weights(const std::filesystem::path& path, const std::vector<LoraTarget>& targets) {
  const auto file = SafetensorsFile::open(path);
  std::map<std::string, ModuleIndex> indexes;
  for (const auto& target : targets) indexes.emplace(target.name, ModuleIndex(target));

  std::vector<std::string> unmatched;
  std::vector<std::string> incomplete;
  std::vector<std::string> bad_shapes;
  LoraWeights weights{path, {}, {}};
  bool kohya = false;
  bool peft = false;
  for (auto& [name, module] : group_by_module(file, targets, unmatched)) {
    const auto& index = indexes.at(module.parts.target->name);
    const auto resolved = index.resolve(module.parts.module, module.parts.kohya);
    if (!resolved) {
      for (const auto& key : all_keys(module)) unmatched.push_back(key);
      continue;
    }
    if (module.tensors.count(Part::down) == 0 || module.tensors.count(Part::up) == 0) {
      incomplete.push_back(module.keys.begin()->second + " (the module needs both factors)");
      continue;
    }
    if (auto problem = shape_problem(module, index.shape(*resolved), *resolved); !problem.empty()) {
      bad_shapes.push_back(std::move(problem));
      continue;
    }
    (module.parts.kohya ? kohya : peft) = true;
    weights.updates.push_back({module.parts.target->name, *resolved, module.keys.at(Part::down),
                               module.tensors.at(Part::down), module.tensors.at(Part::up), alpha_scale(module)});
  }
  if (!unmatched.empty() || !incomplete.empty() || !bad_shapes.empty() || weights.updates.empty()) {
    std::string message = path.string() + ": not a LoRA for this model";
    if (!unmatched.empty()) message += format_key_list("keys that match no module", unmatched, unmatched.size());
    if (!incomplete.empty()) message += format_key_list("incomplete modules", incomplete, incomplete.size());
    if (!bad_shapes.empty()) message += format_key_list("wrong shapes", bad_shapes, bad_shapes.size());
    if (unmatched.empty() && incomplete.empty() && bad_shapes.empty()) message += ": it holds no LoRA weights";
    throw LoraError(message);
  }
  weights.format = format_name(kohya, peft);
  return weights;
}

LoraSpec parse_lora_spec(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return {text, 1.0};
  const auto number = text.substr(colon + 1);
  char* end = nullptr;
  const double multiplier = std::strtod(number.c_str(), &end);
  if (end == number.c_str() + number.size() && std::isfinite(multiplier)) return {text.substr(0, colon), multiplier};
  // "C:\\lora.safetensors" or a name with ':' in it: no multiplier was given.
  const bool looks_numeric =
      std::isdigit(static_cast<unsigned char>(number[0])) || number[0] == '-' || number[0] == '+' || number[0] == '.';
  if (!looks_numeric) return {text, 1.0};
  throw LoraError("--lora " + text + ": '" + number + "' is not a multiplier (FILE or FILE:0.8)");
}

}  // namespace backdrop::models
