#pragma once
// Reading a JSON document key by key with errors that say where: "<origin>: <key path>: <problem>",
// e.g. "manifest.json: files[2].sha256: not 64 lowercase hex digits". `Error` is the exception
// the reader's module throws (BundleError, PlanError ...), constructible from a message.
//
//   const JsonWhere<PlanError> where("plan.json");
//   const auto id = require_string(document, "id", where.key("experiments").index(0));

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace backdrop {

template <class Error>
class JsonWhere {
 public:
  explicit JsonWhere(std::string origin) : origin_(std::move(origin)) {}
  JsonWhere key(const std::string& name) const { return JsonWhere(origin_, path_.empty() ? name : path_ + "." + name); }
  JsonWhere index(std::size_t i) const { return JsonWhere(origin_, path_ + "[" + std::to_string(i) + "]"); }
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(origin_ + ": " + (path_.empty() ? "" : path_ + ": ") + problem);
  }

 private:
  JsonWhere(std::string origin, std::string path) : origin_(std::move(origin)), path_(std::move(path)) {}
  std::string origin_;
  std::string path_;
};

template <class Where>
const nlohmann::json& require(const nlohmann::json& object, const std::string& name, const Where& where) {
  if (!object.is_object()) where.fail("expected an object");
  const auto it = object.find(name);
  if (it == object.end()) where.fail("missing key '" + name + "'");
  return *it;
}

template <class Where>
std::string require_string(const nlohmann::json& object, const std::string& name, const Where& where) {
  const auto& value = require(object, name, where);
  if (!value.is_string()) where.key(name).fail("expected a string, found " + std::string(value.type_name()));
  return value.template get<std::string>();
}

template <class Where>
int64_t require_integer(const nlohmann::json& object, const std::string& name, const Where& where) {
  const auto& value = require(object, name, where);
  if (!value.is_number_integer()) where.key(name).fail("expected an integer, found " + value.dump());
  return value.template get<int64_t>();
}

template <class Where>
double require_number(const nlohmann::json& object, const std::string& name, const Where& where) {
  const auto& value = require(object, name, where);
  if (!value.is_number() || !std::isfinite(value.template get<double>())) {
    where.key(name).fail("expected a finite number, found " + value.dump());
  }
  return value.template get<double>();
}

template <class Where>
bool require_bool(const nlohmann::json& object, const std::string& name, const Where& where) {
  const auto& value = require(object, name, where);
  if (!value.is_boolean()) where.key(name).fail("expected true or false, found " + value.dump());
  return value.template get<bool>();
}

}  // namespace backdrop
