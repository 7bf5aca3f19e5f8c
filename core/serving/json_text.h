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

// Writes one JSON object into `out`, field by field, in the order given (dump() sorts its keys:
// callers list them sorted to write what dump() writes). Keys are plain names, not escaped.
class JsonObjectText {
 public:
  explicit JsonObjectText(std::string& out) : out_(out) { out_ += '{'; }
  JsonObjectText& string(std::string_view key, std::string_view value) {
    append_json_string(field(key), value);
    return *this;
  }
  JsonObjectText& number(std::string_view key, double value) {
    append_json_number(field(key), value);
    return *this;
  }
  JsonObjectText& integer(std::string_view key, long long value) {
    append_json_number(field(key), value);
    return *this;
  }
  JsonObjectText& boolean(std::string_view key, bool value) {
    field(key) += value ? "true" : "false";
    return *this;
  }
  JsonObjectText& value(std::string_view key, const nlohmann::json& value) {
    append_json(field(key), value);
    return *this;
  }
  // The value already written as JSON text.
  JsonObjectText& raw(std::string_view key, std::string_view json_text) {
    field(key) += json_text;
    return *this;
  }
  void close() { out_ += '}'; }

 private:
  std::string& field(std::string_view key) {
    out_ += first_ ? "\"" : ",\"";
    first_ = false;
    out_ += key;
    out_ += "\":";
    return out_;
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace backdrop::serving
