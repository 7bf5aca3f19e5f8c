#pragma once
// The user's cache folder for what Backdrop may recompute but would rather not (content hashes of
// weight files): $BACKDROP_CACHE_DIR when set, else $XDG_CACHE_HOME/backdrop, else
// $HOME/.cache/backdrop, as the XDG base directory specification asks.

#include <filesystem>
#include <optional>

namespace backdrop {

// The folder (not created here); empty when none of the variables is set.
std::optional<std::filesystem::path> user_cache_dir();

}  // namespace backdrop
