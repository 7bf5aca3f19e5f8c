#pragma once
// A diffusers scheduler configuration (`scheduler_config.json`) read with checked types.
//
// diffusers writes its configs with Python's json module, which spells non-finite floats as the
// bare words `Infinity`, `-Infinity` and `NaN` (e.g. DPMSolverMultistep's `lambda_min_clipped`);
// `parse_diffusers_json` accepts them. Keys a scheduler does not know are ignored, as diffusers does
// (configs carry `_diffusers_version`, `_class_name` and the options of other scheduler classes);
// a known option with a value of the wrong type or outside its allowed set is an error naming it.

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace backdrop::models {

class SchedulerConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// JSON text as Python writes it; throws SchedulerConfigError naming `origin` on a syntax error.
nlohmann::json parse_diffusers_json(const std::string& text, const std::string& origin = "scheduler config");
nlohmann::json load_diffusers_json(const std::filesystem::path& path);

class SchedulerConfig {
 public:
  // `owner` names the scheduler class in error messages.
  SchedulerConfig(nlohmann::json values, std::string owner);

  const nlohmann::json& values() const { return values_; }
  const std::string& owner() const { return owner_; }

  // A missing key or a JSON null gives `fallback` (diffusers' `None` means "use the default").
  int64_t integer(const std::string& key, int64_t fallback) const;
  double number(const std::string& key, double fallback) const;
  std::optional<double> optional_number(const std::string& key) const;
  bool boolean(const std::string& key, bool fallback) const;
  // The value must be one of `allowed`.
  std::string choice(const std::string& key, const std::string& fallback,
                     std::initializer_list<const char*> allowed) const;
  // A list of floats (`trained_betas`); empty when missing or null.
  std::vector<double> numbers(const std::string& key) const;
  bool is_set(const std::string& key) const;

  // Rejects an option this implementation does not support when it differs from `supported`.
  void require_boolean(const std::string& key, bool supported, bool fallback) const;
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  const nlohmann::json* find(const std::string& key) const;

  nlohmann::json values_;
  std::string owner_;
};

}  // namespace backdrop::models
