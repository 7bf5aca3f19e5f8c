// `backdrop generate`: background variants for a catalogue, prompt x colour x seed x placement,
// around the unmodified product. With --model it inpaints with Stable Diffusion (and a ControlNet
// on the product's edges with --controlnet); without weights it makes studio-backdrop variants and
// says so. Every variant is scored for artifacts; flagged ones are listed for review.

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "app/cli/dtype_option.h"
#include "app/cli/lora_options.h"
#include "app/cli/recipe_option.h"
#include "app/cli/segmenter_options.h"
#include "app/cli/terminal_progress.h"
#include "core/catalog/catalog.h"
#include "core/imaging/layout_rules.h"
#include "core/imaging/segmenter_factory.h"
#include "core/rendering/catalog_variants.h"
#include "core/store/project.h"
#include "models/schedulers/scheduler_factory.h"

namespace backdrop::cli {
namespace {

namespace fs = std::filesystem;
using namespace backdrop::backgrounds;

struct GenerateArguments {
  fs::path catalog;
  fs::path prompts;
  std::string placements = "square";
  std::string colors = "none,palette";
  std::string seeds = "0";
  int prompts_per_product = 1;
  fs::path layouts;
  DiffusionSettings diffusion;
  RecipeOption recipe;
  fs::path out = "variants";
  fs::path project;  // optional: its segmentation settings
  SegmenterArguments segmenter;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::vector<uint64_t> parse_seeds(const std::string& text) {
  std::vector<uint64_t> seeds;
  for (const auto& item : split_list(text)) {
    try {
      std::size_t used = 0;
      seeds.push_back(std::stoull(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw CLI::ValidationError("--seeds", "'" + item + "' is not a seed (a list like 0,1,2)");
    }
  }
  if (seeds.empty()) throw CLI::ValidationError("--seeds", "give at least one seed");
  return seeds;
}

template <typename Find, typename Load>
auto load_configured(const fs::path& configured, Find find, Load load, const char* what) {
  if (!configured.empty()) return load(configured);
  const auto found = find();
  if (!found) throw std::runtime_error(std::string("no default ") + what + " found beside the program; give the file");
  return load(*found);
}

std::unique_ptr<BackgroundGenerator> make_generator(const GenerateArguments& arguments) {
  if (arguments.diffusion.model.empty()) {
    std::cerr << "no diffusion weights configured (--model or BACKDROP_MODEL): making studio-backdrop variants\n";
    return std::make_unique<StudioBackgroundGenerator>();
  }
  std::cerr << "loading " << arguments.diffusion.model.string();
  if (!arguments.diffusion.controlnet.empty()) std::cerr << " with ControlNet " << arguments.diffusion.controlnet.string();
  std::cerr << "\n";
  return make_diffusion_generator(arguments.diffusion);
}

void print_summary(const Catalog& catalog, const VariantRunSummary& summary) {
  for (const auto& issue : catalog.issues) {
    std::cerr << catalog.source.string() << ":" << issue.line << ": skipped: " << issue.message << "\n";
  }
  for (const auto& [id, why] : summary.failed_products) std::cerr << "failed " << id << ": " << why << "\n";
  for (const auto& variant : summary.variants) {
    if (variant.artifacts.flagged) std::cout << "review " << variant.file.string() << ": " << variant.artifacts.reason << "\n";
  }
  std::cout << "generated " << summary.variants.size() << " " << summary.generator << " variants ("
            << summary.flagged() << " flagged for review)\n"
            << "contact sheet: " << summary.contact_sheet.string() << "\n";
}

void run_generate(GenerateArguments& arguments, int& exit_code) {
  if (arguments.diffusion.model.empty()) {
    if (const char* model = std::getenv("BACKDROP_MODEL"); model != nullptr && *model != '\0') arguments.diffusion.model = model;
  }
  if (arguments.diffusion.controlnet.empty()) {
    if (const char* controlnet = std::getenv("BACKDROP_CONTROLNET"); controlnet != nullptr && *controlnet != '\0') {
      arguments.diffusion.controlnet = controlnet;
    }
  }
  const Catalog catalog = read_catalog_csv(arguments.catalog);
  VariantOptions options;
  options.out_dir = arguments.out;
  options.placements = imaging::parse_placements(arguments.placements);
  options.layout = load_configured(arguments.layouts, imaging::find_default_layout_rules, imaging::load_layout_rules,
                                   "layout rules");
  options.prompts = load_configured(arguments.prompts, find_default_prompt_library, load_prompt_library, "prompt library");
  options.prompts_per_product = arguments.prompts_per_product;
  options.colours = split_list(arguments.colors);
  options.seeds = parse_seeds(arguments.seeds);
  std::optional<Project> project;
  if (!arguments.project.empty()) project.emplace(Project::open(arguments.project));
  const auto segmenter = resolve_segmenter_arguments(arguments.segmenter, project ? &*project : nullptr);
  const auto learned = imaging::open_learned_segmenter(segmenter);
  options.learned = learned.get();
  options.confidence_threshold = segmenter.confidence_threshold;
  const auto generator = make_generator(arguments);

  const auto progress = terminal_progress();
  std::string current;
  const auto on_variant = [&](const Progress& p) {
    current = p.message;
    if (progress) progress(p);
    else std::cerr << "variant " << p.done << "/" << p.total << " (" << p.message << ")\n";
  };
  const auto on_step = [&](int64_t step, int64_t total) {
    if (progress) progress({step, total, "denoising"});
    else if (generator->uses_diffusion()) std::cerr << "  step " << step << "/" << total << "\n";
  };
  const auto summary = generate_background_variants(catalog.products, options, *generator, on_variant, on_step);
  print_summary(catalog, summary);
  exit_code = summary.failed_products.empty() ? 0 : kExitPartialFailure;
}

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<GenerateArguments>();
  auto& d = arguments->diffusion;
  auto* command = app.add_subcommand(
      "generate", "Background variants around the unmodified products (inpainting, or studio backdrops without weights)");
  command->add_option("--catalog", arguments->catalog, "catalogue CSV (product_id,category,title,image)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--prompts", arguments->prompts, "prompt library JSON (default: the installed one)")
      ->check(CLI::ExistingFile);
  command->add_option("--prompts-per-product", arguments->prompts_per_product,
                      "templates per product from its category (0: all)")
      ->capture_default_str();
  command->add_option("--placements", arguments->placements, "placements: ids, WxH or id=WxH, comma-separated")
      ->capture_default_str();
  command->add_option("--colors", arguments->colors, "colours: none, palette[:N], #rrggbb, comma-separated")
      ->capture_default_str();
  command->add_option("--seeds", arguments->seeds, "seeds, comma-separated")->capture_default_str();
  command->add_option("--layouts", arguments->layouts, "layout rules JSON")->check(CLI::ExistingFile);
  command->add_option("--model", d.model, "Stable Diffusion 1.x weights: diffusers folder or .safetensors (env BACKDROP_MODEL)");
  command->add_option("--controlnet", d.controlnet, "canny ControlNet: folder or .safetensors (env BACKDROP_CONTROLNET)");
  command->add_option("--tokenizer", d.tokenizer, "tokenizer folder for single-file checkpoints");
  add_lora_option(*command, d.loras);
  command->add_option("--device", d.device, "cpu, cuda or cuda:N")->capture_default_str();
  add_dtype_option(*command, d.dtype);
  command->add_option("--steps", d.steps, "denoising steps")->capture_default_str();
  command->add_option("--scheduler", d.scheduler, "sampler; default: the model's own")
      ->check(CLI::IsMember(models::scheduler_names()));
  command->add_option("--guidance-scale", d.guidance_scale, "classifier-free guidance scale")->capture_default_str();
  arguments->recipe.add_to(*command);
  command->add_option("--control-scale", d.controlnet_scale, "ControlNet conditioning scale")->capture_default_str();
  command->add_option("--colour-strength", d.colour_strength, "img2img strength of colour variants")
      ->check(CLI::Range(0.05, 1.0))
      ->capture_default_str();
  command->add_option("--max-side", d.max_side, "generate at most this long a side, then scale to the placement (0: full)");
  command->add_option("--out", arguments->out, "output folder")->capture_default_str();
  command
      ->add_option("--project", arguments->project,
                   "Project file whose segmentation settings (model, preset, confidence threshold) to use; the "
                   "flags below override them")
      ->check(CLI::ExistingFile);
  add_segmenter_options(*command, arguments->segmenter);
  command->callback([arguments, command, &exit_code] {
    auto& diffusion = arguments->diffusion;
    arguments->recipe.apply(*command, diffusion.scheduler, diffusion.steps, diffusion.guidance_scale);
    run_generate(*arguments, exit_code);
  });
}

}  // namespace backdrop::cli
