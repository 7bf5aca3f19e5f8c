#pragma once
// A LoRA file and its multiplier as users name them (`--lora FILE[:multiplier]`). No libtorch here:
// settings structs of the GUI (whose Qt `slots` clashes with libtorch's headers) hold these.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace backdrop::models {

class LoraError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoraSpec {
  std::filesystem::path path;
  double multiplier = 1.0;
};

// Parses "FILE" or "FILE:multiplier" (the multiplier is what follows the last ':' when it is a
// number, so Windows drive letters and ':' in names survive). Throws LoraError on a bad number.
LoraSpec parse_lora_spec(const std::string& text);

}  // namespace backdrop::models
