// A thread that used OpenSSL and is still ending while the process exits frees its OpenSSL state,
// and nothing frees it twice (initialise_openssl(): no OPENSSL_cleanup at exit).
//
// Deterministic: a thread-specific key created before OpenSSL's holds the worker in its exit path
// (key destructors run in creation order) until the process's exit handlers have run. Every block
// OpenSSL allocates on the worker is tracked through CRYPTO_set_mem_functions; a key created after
// OpenSSL's tells when the worker has passed OpenSSL's destructor. Before the fix, OpenSSL's
// exit-time clean-up ran first, deleted OpenSSL's key and freed the worker's handler list without
// calling it: the worker's 904-byte error state stayed allocated (and a worker that was in its
// destructor at that moment freed the list a second time).
// Plain main(): the check runs in an exit handler, after main() has returned.

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "core/common/openssl_library.h"

namespace {

std::mutex blocks_mutex;
std::set<void*> worker_blocks;  // allocated by OpenSSL on the worker thread, not yet freed
thread_local bool on_worker = false;

void* tracked_malloc(std::size_t size, const char*, int) {
  void* block = std::malloc(size);
  if (on_worker && block != nullptr) {
    const std::lock_guard lock(blocks_mutex);
    worker_blocks.insert(block);
  }
  return block;
}

void tracked_free(void* block, const char*, int) {
  {
    const std::lock_guard lock(blocks_mutex);
    worker_blocks.erase(block);
  }
  std::free(block);
}

void* tracked_realloc(void* block, std::size_t size, const char* file, int line) {
  if (block == nullptr) return tracked_malloc(size, file, line);
  bool tracked = false;
  {
    const std::lock_guard lock(blocks_mutex);
    tracked = worker_blocks.erase(block) > 0;
  }
  void* moved = std::realloc(block, size);
  if (tracked && moved != nullptr) {
    const std::lock_guard lock(blocks_mutex);
    worker_blocks.insert(moved);
  }
  return moved;
}

pthread_key_t hold_key;  // before OpenSSL's key: holds the ending worker
pthread_key_t done_key;  // after OpenSSL's key: the worker has passed OpenSSL's destructor
std::promise<void> worker_holding;
std::promise<void> release_worker;
std::promise<void> worker_done;

void sha256_of_a_word() {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  EVP_DigestUpdate(context, "word", 4);
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  ERR_clear_error();  // makes sure the thread has its error state
}

void digest_on_worker() {
  on_worker = true;
  pthread_setspecific(hold_key, &hold_key);
  pthread_setspecific(done_key, &done_key);
  sha256_of_a_word();
}

// Runs after OpenSSL's own exit handler would have (registered before OpenSSL initialised).
void check_after_exit_handlers() {
  release_worker.set_value();
  worker_done.get_future().wait();
  const std::lock_guard lock(blocks_mutex);
  if (!worker_blocks.empty()) {
    std::fprintf(stderr, "FAIL: %zu block(s) OpenSSL allocated on the ended thread were never freed\n",
                 worker_blocks.size());
    std::_Exit(1);
  }
  std::printf("PASS: the ended thread's OpenSSL state was freed once\n");
}

}  // namespace

int main() {
  pthread_key_create(&hold_key, [](void*) {
    worker_holding.set_value();
    release_worker.get_future().wait();
  });
  if (CRYPTO_set_mem_functions(tracked_malloc, tracked_realloc, tracked_free) != 1) {
    std::fprintf(stderr, "cannot set OpenSSL's memory functions\n");
    return 2;
  }
  std::atexit(check_after_exit_handlers);
  backdrop::initialise_openssl();
  sha256_of_a_word();  // OpenSSL's process-wide state (providers, method caches) comes from main
  pthread_key_create(&done_key, [](void*) { worker_done.set_value(); });
  std::thread(digest_on_worker).detach();
  worker_holding.get_future().wait();
  return 0;
}
