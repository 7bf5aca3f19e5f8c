// The variant keys the Studio's Generate plans for a project, printed one per line, sorted: the
// acceptance test compares them with the keys `backdrop project jobs run` queued for the same
// choices. It calls the Studio's own planning (ui/generation_run.h), not core directly.
//   studio_plan_keys PROJECT PLACEMENTS COLOURS [MODEL CONTROLNET STEPS SCHEDULER]
// PLACEMENTS and COLOURS are comma-separated; with MODEL, the variants are planned for diffusion.

#include <QString>
#include <algorithm>
#include <iostream>

#include "core/store/project.h"
#include "ui/generation_run.h"

using namespace backdrop;

namespace {

std::vector<std::string> list(const char* text) {
  std::vector<std::string> items;
  for (const auto& item : QString(text).split(',', Qt::SkipEmptyParts)) items.push_back(item.toStdString());
  return items;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 8) {
    std::cerr << "usage: studio_plan_keys PROJECT PLACEMENTS COLOURS [MODEL CONTROLNET STEPS SCHEDULER]\n";
    return 2;
  }
  try {
    ui::RunRequest request;
    auto& choices = request.choices;
    choices.placements = list(argv[2]);
    choices.colours = list(argv[3]);
    if (argc == 8) {
      choices.generator.diffusion = true;
      choices.generator.settings.model = argv[4];
      choices.generator.settings.controlnet = argv[5];
      choices.generator.settings.steps = std::stoi(argv[6]);
      choices.generator.settings.scheduler = argv[7];
    }
    auto project = Project::open(argv[1]);
    std::vector<std::string> keys;
    for (const auto& inputs : ui::planRun(project, request)) keys.push_back(variant_key(inputs));
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) std::cout << key << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "studio_plan_keys: " << error.what() << "\n";
    return 1;
  }
}
