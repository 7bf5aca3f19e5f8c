#include "core/serving/json_text.h"

#include <charconv>

namespace backdrop::serving {
namespace {

using Serializer = nlohmann::detail::serializer<nlohmann::json>;

// dump() makes a serializer (and its output adapter, a shared_ptr) every call; one per thread,
// writing into a buffer of its own, costs neither.
struct ThreadSerializer {
  std::string buffer;
  Serializer serializer{nlohmann::detail::output_adapter<char, std::string>(buffer), ' '};
};

ThreadSerializer& thread_serializer() {
  thread_local ThreadSerializer instance;
  return instance;
}

// Characters dump() writes as they are: printable ASCII other than '"' and '\'.
bool is_plain(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& value) {
  auto& thread = thread_serializer();
  thread.buffer.clear();
  thread.serializer.dump(value, false, false, 0);
  out += thread.buffer;
}

void append_json_string(std::string& out, std::string_view text) {
  if (!is_plain(text)) return append_json(out, nlohmann::json(text));
  out += '"';
  out += text;
  out += '"';
}

void append_json_number(std::string& out, double value) {
  append_json(out, nlohmann::json(value));
}

void append_json_number(std::string& out, long long value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace backdrop::serving
