#pragma once

#include <stdexcept>

namespace backdrop::models {

// A tokenizer file that is missing, unreadable or inconsistent; the message names the file.
class TokenizerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backdrop::models
