// `backdrop txt2img`: Stable Diffusion 1.5 (+ ControlNet) text-to-image from the command line.
// Every image's generation parameters go into its PNG text chunks; `--from-png` makes it again.

#include <cstdio>
#include <iostream>
#include <optional>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "app/cli/commands.h"
#include "app/cli/dtype_option.h"
#include "app/cli/lora_options.h"
#include "app/cli/recipe_option.h"
#include "app/cli/terminal_progress.h"
#include "core/backgrounds/background_generator.h"
#include "core/backgrounds/tensor_image.h"
#include "core/common/version.h"
#include "core/imaging/image_io.h"
#include "core/imaging/png_text.h"
#include "models/pipelines/controlnet_text_to_image.h"
#include "models/runtime/runtime.h"
#include "models/schedulers/scheduler_factory.h"

namespace backdrop::cli {
namespace {

namespace fs = std::filesystem;

// The PNG text key that holds the parameters as JSON.
constexpr const char* kParametersKey = "backdrop:parameters";

struct Txt2ImgOptions {
  std::string model;
  std::string controlnet;
  std::string control_image;
  std::string tokenizer;
  std::vector<models::LoraSpec> loras;
  std::string variant;
  std::string device = "auto";
  std::string dtype = "fp32";  // fp32, bf16 or auto; the record holds the resolved one
  std::string out = "txt2img.png";
  std::string from_png;
  models::GenerationParameters parameters;
  uint64_t seed = 0;
  RecipeOption recipe;
};

// [1, 3, H, W] in [0, 1], resized to the output size as diffusers' control image processor does.
torch::Tensor load_control_image(const fs::path& path, int64_t width, int64_t height) {
  cv::Mat image = imaging::load_image(path).bgr;
  if (image.cols != width || image.rows != height) {
    cv::resize(image, image, cv::Size(static_cast<int>(width), static_cast<int>(height)), 0, 0, cv::INTER_LANCZOS4);
  }
  return backgrounds::image_to_tensor(image);
}

fs::path output_path(const fs::path& out, int64_t index, int64_t count) {
  if (count == 1) return out;
  return out.parent_path() / (out.stem().string() + "-" + std::to_string(index) + out.extension().string());
}

nlohmann::json parameters_record(const Txt2ImgOptions& options) {
  auto record = models::to_json(options.parameters);
  record["model"] = options.model;
  if (!options.controlnet.empty()) record["controlnet"] = options.controlnet;
  if (!options.control_image.empty()) record["control_image"] = options.control_image;
  for (const auto& lora : options.loras) {
    record["loras"].push_back({{"file", lora.path.string()}, {"multiplier", lora.multiplier}});
  }
  record["dtype"] = options.dtype;
  record["engine_version"] = kEngineVersion;
  return record;
}

// Fills the options from an image Backdrop made; options given on the command line win.
void read_parameters_from_png(Txt2ImgOptions& options, const CLI::App& command) {
  const auto text = imaging::read_png_text(options.from_png);
  const auto it = text.find(kParametersKey);
  if (it == text.end()) throw std::runtime_error(options.from_png + ": holds no Backdrop generation parameters");
  const auto record = nlohmann::json::parse(it->second);
  options.parameters = models::generation_parameters_from_json(record);
  if (command.count("--model") == 0) options.model = record.value("model", "");
  if (command.count("--controlnet") == 0) options.controlnet = record.value("controlnet", "");
  if (command.count("--control-image") == 0) options.control_image = record.value("control_image", "");
  if (command.count("--dtype") == 0) options.dtype = record.value("dtype", "fp32");
  if (command.count("--lora") == 0) {
    for (const auto& lora : record.value("loras", nlohmann::json::array())) {
      options.loras.push_back({lora.at("file").get<std::string>(), lora.at("multiplier").get<double>()});
    }
  }
}

void run_txt2img(Txt2ImgOptions& options, const CLI::App& command) {
  if (!options.from_png.empty()) {
    read_parameters_from_png(options, command);
  } else {
    options.parameters.seeds = {options.seed};
  }
  auto& p = options.parameters;
  options.recipe.apply(command, p.scheduler, p.num_inference_steps, p.guidance_scale);
  if (options.model.empty()) throw std::runtime_error("txt2img: --model is required");
  if (!options.controlnet.empty() && options.control_image.empty()) {
    throw std::runtime_error("txt2img: --controlnet needs --control-image");
  }
  options.parameters.validate();

  models::ModelLoadOptions load;
  load.device = models::parse_device(options.device);
  load.dtype = models::parse_compute_dtype(options.dtype, load.device);
  options.dtype = models::compute_dtype_name(load.dtype);  // what the record says: "auto" resolved
  load.variant = options.variant;
  if (!options.tokenizer.empty()) load.tokenizer = fs::path(options.tokenizer);
  load.loras = options.loras;
  load.bundled_tokenizer = backgrounds::bundled_clip_tokenizer();
  std::cerr << "loading " << options.model << " on " << models::device_description(load.device) << " in "
            << options.dtype << "\n";
  auto components = models::load_stable_diffusion(options.model, load);
  models::ControlNetModel controlnet(nullptr);
  if (!options.controlnet.empty()) controlnet = models::load_controlnet(options.controlnet, load);

  models::TextToImageInputs inputs;
  inputs.parameters = options.parameters;
  if (!options.control_image.empty()) {
    inputs.control_image = load_control_image(options.control_image, inputs.parameters.width, inputs.parameters.height);
  }
  const models::ControlNetTextToImagePipeline pipeline(std::move(components), std::move(controlnet));
  models::RunControl control;
  if (auto progress = terminal_progress()) {
    control.on_step = [progress](const models::StepProgress& step) {
      progress({step.step, step.total, "denoising"});
    };
  }
  const auto result = pipeline(inputs, control);

  const auto record = parameters_record(options).dump();
  const auto count = result.images.size(0);
  for (int64_t i = 0; i < count; ++i) {
    const auto path = output_path(options.out, i, count);
    imaging::write_png_with_text(path, backgrounds::tensor_to_bgr(result.images[i]),
                                 {{kParametersKey, record}, {"Software", std::string("Backdrop ") + kEngineVersion}});
    std::cout << path.string() << "\n";
  }
}

}  // namespace

void add_txt2img_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<Txt2ImgOptions>();
  auto& p = options->parameters;
  auto* command = app.add_subcommand("txt2img", "Generate images from a prompt (Stable Diffusion 1.5, optional ControlNet)");
  command->add_option("--model", options->model, "diffusers folder or single-file .safetensors checkpoint");
  command->add_option("--controlnet", options->controlnet, "ControlNet: diffusers folder or .safetensors file");
  command->add_option("--control-image", options->control_image, "control image (an edge map for canny)")
      ->check(CLI::ExistingFile);
  command->add_option("--tokenizer", options->tokenizer, "tokenizer folder (vocab.json, merges.txt) for single-file checkpoints")
      ->check(CLI::ExistingDirectory);
  add_lora_option(*command, options->loras);
  command->add_option("--variant", options->variant, "weights variant of a diffusers folder (fp16 ...)");
  add_dtype_option(*command, options->dtype);
  command->add_option("--prompt", p.prompts, "prompt (repeat for a batch)");
  command->add_option("--negative-prompt", p.negative_prompts, "negative prompt, one per prompt");
  command->add_option("--steps", p.num_inference_steps, "denoising steps")->capture_default_str();
  command->add_option("--scheduler", p.scheduler, "sampler; default: the model's own")
      ->check(CLI::IsMember(models::scheduler_names()));
  command->add_option("--guidance-scale", p.guidance_scale, "classifier-free guidance scale")->capture_default_str();
  options->recipe.add_to(*command);
  command->add_option("--control-scale", p.controlnet_conditioning_scale, "ControlNet conditioning scale")
      ->capture_default_str();
  command->add_option("--control-start", p.control_guidance_start, "fraction of the steps before ControlNet acts");
  command->add_option("--control-end", p.control_guidance_end, "fraction of the steps after which ControlNet stops");
  command->add_option("--images-per-prompt", p.images_per_prompt, "images per prompt")->capture_default_str();
  command->add_option("--seed", options->seed, "seed of the initial noise")->capture_default_str();
  command->add_option("--width", p.width, "image width (a multiple of 8)")->capture_default_str();
  command->add_option("--height", p.height, "image height (a multiple of 8)")->capture_default_str();
  command->add_option("--clip-skip", p.clip_skip, "final text-encoder layers to skip");
  command->add_option("--eta", p.eta, "DDIM eta");
  command->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  command->add_option("--out", options->out, "output PNG (numbered for several images)")->capture_default_str();
  command->add_option("--from-png", options->from_png, "make an image again from the parameters in a PNG Backdrop wrote")
      ->check(CLI::ExistingFile);
  command->callback([options, command, &exit_code] {
    if (options->from_png.empty() && options->parameters.prompts.empty()) {
      throw CLI::ValidationError("--prompt", "at least one prompt is needed (or --from-png)");
    }
    run_txt2img(*options, *command);
    exit_code = 0;
  });
}

}  // namespace backdrop::cli
