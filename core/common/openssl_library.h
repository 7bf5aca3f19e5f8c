#pragma once
// Initialises OpenSSL's libcrypto for Backdrop: call before any other OpenSSL function.

namespace backdrop {

// Initialises libcrypto once per process, without its exit-time clean-up (OPENSSL_cleanup).
//
// Why: the clean-up frees every thread's OpenSSL state and the registry of thread-exit handlers,
// and its manual allows it only once no other thread uses OpenSSL. Qt's pool threads are detached:
// QThread::wait() (and so the QApplication destructor's wait for the global pool) returns before a
// thread has run its thread-exit destructors, OpenSSL's among them. A thread that hashed a file
// could therefore run OpenSSL's destructor while exit() runs the clean-up: a double free of the
// thread's handler list (heap corruption, seen as "malloc_consolidate(): invalid chunk size" at a
// test's exit), or its 904-byte error state leaked. Without the clean-up each thread frees its own
// state when it ends, and the process's global state goes with the process.
void initialise_openssl();

}  // namespace backdrop
