#pragma once
// Identifies the weights a variant was made with, for its cache key, the same way in the Studio and
// the CLI: SHA-256 over the relative names, sizes and modification times of the weight files
// (hashing gigabytes of weights on every run would take longer than some variants).

#include <filesystem>
#include <string>

namespace backdrop {

// Lowercase hex; empty for a path that does not exist (no weights).
std::string weights_fingerprint(const std::filesystem::path& weights);

}  // namespace backdrop
