#pragma once
// `--lora FILE[:multiplier]`, repeatable, shared by `backdrop txt2img` and `backdrop generate`: the
// LoRAs fused into the UNet and text encoder at load time, in the order given.

#include <vector>

#include <CLI/CLI.hpp>

#include "models/loaders/lora.h"

namespace backdrop::cli {

void add_lora_option(CLI::App& command, std::vector<models::LoraSpec>& loras);

}  // namespace backdrop::cli
