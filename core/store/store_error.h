#pragma once
// The one exception type of the project store. Its message always names the file (or database
// URL) and the operation that failed, e.g. "shop.backdrop: insert product 'p001': UNIQUE ...".

#include <stdexcept>
#include <string>

namespace backdrop {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backdrop
