#pragma once
// `--dtype fp32|bf16|auto`, shared by `backdrop txt2img`, `generate`, `project jobs run` and
// `worker`: what the UNet, ControlNet, VAE and text encoder compute in. A variant planned in one
// dtype is only painted in it (it is part of the key when not fp32).

#include <string>

#include <CLI/CLI.hpp>

namespace backdrop::cli {

void add_dtype_option(CLI::App& command, std::string& dtype);

}  // namespace backdrop::cli
