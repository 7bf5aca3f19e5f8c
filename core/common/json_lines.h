#pragma once
// Reading a JSON-lines file (one JSON object per line, as backdrop-serve's impression logs): blank
// lines are skipped, a line that is not a JSON object is reported, and a field of the wrong type
// met by the handler (nlohmann::json::exception) is reported as such, both with the 1-based line
// number, and the reading goes on. Every 4096 lines the cancellation is checked and progress told.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/common/cancellation.h"

namespace backdrop {

struct JsonLinesHandlers {
  std::function<void(int64_t line, const nlohmann::json& object)> object;
  std::function<void(int64_t line, std::string message)> bad_line;
  ProgressSink progress;
  CancellationToken cancel;
};

// Returns false when the file cannot be opened (the caller names the error).
bool read_json_lines(const std::filesystem::path& path, const JsonLinesHandlers& handlers);

}  // namespace backdrop
