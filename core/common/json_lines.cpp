#include "core/common/json_lines.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace backdrop {
namespace {

constexpr int64_t kProgressEvery = 4096;

}  // namespace

bool read_json_lines(const std::filesystem::path& path, const JsonLinesHandlers& handlers) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string text;
  int64_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (line % kProgressEvery == 0) {
      handlers.cancel.throw_if_cancelled();
      if (handlers.progress) handlers.progress({line, 0, "reading " + path.filename().string()});
    }
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto object = nlohmann::json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
      handlers.bad_line(line, "not a JSON object");
      continue;
    }
    try {
      handlers.object(line, object);
    } catch (const nlohmann::json::exception& error) {
      handlers.bad_line(line, std::string("wrong field type: ") + error.what());
    }
  }
  return true;
}

}  // namespace backdrop
