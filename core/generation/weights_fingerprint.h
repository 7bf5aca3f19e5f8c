#pragma once
// Identifies the weights a variant was made with, for its cache key, the same way in the Studio and
// the CLI: the SHA-256 of the weight file's content, or for a diffusers folder the SHA-256 over its
// files' relative names and content hashes. Equal weights give equal keys wherever they lie and
// however often they are copied or touched. The content hashes come through the content hash cache
// (content_hash_cache.h), so gigabytes of weights are read once per version, not on every plan.

#include <filesystem>
#include <string>

namespace backdrop {

// Lowercase hex; empty for a path that does not exist (no weights). Throws StoreError naming a
// weight file that cannot be read.
std::string weights_fingerprint(const std::filesystem::path& weights);

}  // namespace backdrop
