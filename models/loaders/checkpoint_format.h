#pragma once
// What a path the user gave is: a diffusers pipeline folder, one diffusers model folder or a
// single-file checkpoint, so that a pipeline can pick discover_diffusers_pipeline,
// discover_diffusers_model or SingleFileCheckpoint::open.

#include <filesystem>
#include <string_view>

namespace backdrop::models {

enum class CheckpointFormat { diffusers_pipeline, diffusers_model, single_file };

std::string_view checkpoint_format_name(CheckpointFormat format);

// Throws CheckpointError for a path that is none of them (naming what was looked for).
CheckpointFormat detect_checkpoint_format(const std::filesystem::path& path);

}  // namespace backdrop::models
