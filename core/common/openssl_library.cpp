#include "core/common/openssl_library.h"

#include <openssl/crypto.h>

#include <mutex>
#include <stdexcept>

namespace backdrop {

void initialise_openssl() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The first initialisation in the process decides whether the clean-up is registered with
    // atexit(); later calls (ours or another library's) cannot register it any more.
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) != 1) {
      throw std::runtime_error("OpenSSL: cannot initialise libcrypto");
    }
  });
}

}  // namespace backdrop
