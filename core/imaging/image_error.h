#pragma once
// The error every imaging function throws for bad input: a message with the file or the stage.

#include <stdexcept>

namespace backdrop::imaging {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backdrop::imaging
