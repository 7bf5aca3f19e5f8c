#pragma once
// The error every checkpoint-format function throws: a folder or file the engine cannot use as a
// model (missing or unreadable files, unsupported formats, names that do not match the model).
// The message names the file and lists every defect found, so a user can fix them all at once.

#include <stdexcept>

namespace backdrop::models {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backdrop::models
