#pragma once
// Everything that decides a text-to-image result, so that any image can be made again from its
// record (the command line writes it into the PNG; the project store keeps it with the variant).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace backdrop::models {

struct GenerationParameters {
  std::vector<std::string> prompts;
  // One per prompt, or empty (every negative prompt is then "").
  std::vector<std::string> negative_prompts;
  int64_t width = 512;
  int64_t height = 512;
  int64_t num_inference_steps = 20;
  int64_t images_per_prompt = 1;
  double guidance_scale = 7.5;  // classifier-free guidance runs when it is above 1
  // A scheduler short name (ddim, pndm, euler, euler_ancestral, dpmpp_2m, dpmpp_2m_karras, unipc, lcm)
  // applied to the pipeline's scheduler config; empty: the pipeline's own scheduler.
  std::string scheduler;
  double eta = 0.0;  // DDIM only
  // ControlNet: the scale of its residuals, and the fraction of the steps it acts on.
  double controlnet_conditioning_scale = 1.0;
  double control_guidance_start = 0.0;
  double control_guidance_end = 1.0;
  int64_t clip_skip = 0;
  // One seed draws the whole batch's initial noise from one CPU generator (as diffusers does with
  // one generator); one seed per image draws each image's noise from its own generator.
  std::vector<uint64_t> seeds{0};

  int64_t batch_size() const { return static_cast<int64_t>(prompts.size()) * images_per_prompt; }
  // Throws std::invalid_argument naming the first invalid field.
  void validate() const;
};

nlohmann::json to_json(const GenerationParameters& parameters);
// Throws std::invalid_argument naming a missing or mistyped field.
GenerationParameters generation_parameters_from_json(const nlohmann::json& json);

}  // namespace backdrop::models
