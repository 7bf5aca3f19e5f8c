#pragma once
// What the engine runs on, in plain types so that Qt code can show it without libtorch headers.

#include <string>

namespace backdrop {

struct EngineInfo {
  std::string version;        // Backdrop's engine version
  std::string torch_version;  // libtorch's
  std::string device;         // the device "auto" resolves to: "cpu" or "cuda:0"
  int threads = 1;            // CPU threads the engine uses
};

EngineInfo engine_info();

// Applies the thread setting (0 = one per core) and returns the count in effect.
int configure_engine_threads(int requested);

}  // namespace backdrop
