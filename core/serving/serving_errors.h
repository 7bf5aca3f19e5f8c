#pragma once
// The errors a serving request can end in, one type per answer the HTTP layer gives: NotFound
// (404: unknown category, product, placement, decision), BadRequest (400: missing or malformed
// features) and Unavailable (503: no bundle loaded yet).

#include <stdexcept>

namespace backdrop::serving {

class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backdrop::serving
