#pragma once
// Small JSON writing for the per-request texts (decide answers, impression lines): appended to a
// caller's buffer, byte for byte what nlohmann::json::dump() writes, without building a json
// object, its map of keys or dump()'s fresh strings.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace backdrop::serving {

// Appends `value`'s compact text (dump()'s) through a serializer kept per thread.
void append_json(std::string& out, const nlohmann::json& value);
// Appends `text` as a JSON string: quoted, escaped as dump() escapes it. Throws
// nlohmann::json::type_error on invalid UTF-8, as dump() does.
void append_json_string(std::string& out, std::string_view text);
void append_json_number(std::string& out, double value);
void append_json_number(std::string& out, long long value);

// Appends "<key>": with `key` a plain name (no characters to escape).
inline void append_json_key(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

}  // namespace backdrop::serving
