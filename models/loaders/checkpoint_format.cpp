#include "models/loaders/checkpoint_format.h"

#include <string>

#include "models/loaders/checkpoint_error.h"

namespace backdrop::models {

std::string_view checkpoint_format_name(CheckpointFormat format) {
  switch (format) {
    case CheckpointFormat::diffusers_pipeline: return "diffusers pipeline folder";
    case CheckpointFormat::diffusers_model: return "diffusers model folder";
    case CheckpointFormat::single_file: return "single-file checkpoint";
  }
  return "";
}

CheckpointFormat detect_checkpoint_format(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    if (fs::is_regular_file(path / "model_index.json")) return CheckpointFormat::diffusers_pipeline;
    if (fs::is_regular_file(path / "config.json")) return CheckpointFormat::diffusers_model;
    throw CheckpointError(path.string() + ": a folder with neither model_index.json (a diffusers pipeline) nor "
                          "config.json (a diffusers model)");
  }
  if (fs::is_regular_file(path)) return CheckpointFormat::single_file;
  throw CheckpointError(path.string() + (fs::exists(path) ? ": neither a folder nor a file" : ": does not exist"));
}

}  // namespace backdrop::models
