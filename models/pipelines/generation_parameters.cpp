#include "models/pipelines/generation_parameters.h"

#include <stdexcept>

namespace backdrop::models {
namespace {

void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& value) {
  const auto it = json.find(key);
  if (it == json.end()) return;  // absent fields keep their defaults
  try {
    value = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string("generation parameters: field '") + key + "' has the wrong type");
  }
}

}  // namespace

void GenerationParameters::validate() const {
  require(!prompts.empty(), "at least one prompt is needed");
  require(negative_prompts.empty() || negative_prompts.size() == prompts.size(),
          "give one negative prompt per prompt (" + std::to_string(prompts.size()) + "), or none");
  require(width > 0 && height > 0 && width % 8 == 0 && height % 8 == 0,
          "width and height must be positive multiples of 8, got " + std::to_string(width) + "x" +
              std::to_string(height));
  require(num_inference_steps >= 1, "num_inference_steps must be at least 1");
  require(images_per_prompt >= 1, "images_per_prompt must be at least 1");
  require(guidance_scale >= 0.0, "guidance_scale must not be negative");
  require(eta >= 0.0, "eta must not be negative");
  require(controlnet_conditioning_scale >= 0.0, "controlnet_conditioning_scale must not be negative");
  require(control_guidance_start >= 0.0 && control_guidance_start < control_guidance_end &&
              control_guidance_end <= 1.0,
          "control guidance needs 0 <= start < end <= 1");
  require(clip_skip >= 0, "clip_skip must not be negative");
  require(seeds.size() == 1 || static_cast<int64_t>(seeds.size()) == batch_size(),
          "give one seed, or one per image (" + std::to_string(batch_size()) + ")");
}

nlohmann::json to_json(const GenerationParameters& p) {
  return {{"prompts", p.prompts},
          {"negative_prompts", p.negative_prompts},
          {"width", p.width},
          {"height", p.height},
          {"num_inference_steps", p.num_inference_steps},
          {"images_per_prompt", p.images_per_prompt},
          {"guidance_scale", p.guidance_scale},
          {"scheduler", p.scheduler},
          {"eta", p.eta},
          {"controlnet_conditioning_scale", p.controlnet_conditioning_scale},
          {"control_guidance_start", p.control_guidance_start},
          {"control_guidance_end", p.control_guidance_end},
          {"clip_skip", p.clip_skip},
          {"seeds", p.seeds}};
}

GenerationParameters generation_parameters_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("generation parameters: not a JSON object");
  GenerationParameters p;
  read_field(json, "prompts", p.prompts);
  read_field(json, "negative_prompts", p.negative_prompts);
  read_field(json, "width", p.width);
  read_field(json, "height", p.height);
  read_field(json, "num_inference_steps", p.num_inference_steps);
  read_field(json, "images_per_prompt", p.images_per_prompt);
  read_field(json, "guidance_scale", p.guidance_scale);
  read_field(json, "scheduler", p.scheduler);
  read_field(json, "eta", p.eta);
  read_field(json, "controlnet_conditioning_scale", p.controlnet_conditioning_scale);
  read_field(json, "control_guidance_start", p.control_guidance_start);
  read_field(json, "control_guidance_end", p.control_guidance_end);
  read_field(json, "clip_skip", p.clip_skip);
  read_field(json, "seeds", p.seeds);
  return p;
}

}  // namespace backdrop::models
