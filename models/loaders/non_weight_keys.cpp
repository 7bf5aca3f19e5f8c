#include "models/loaders/non_weight_keys.h"

#include <algorithm>
#include <array>

namespace backdrop::models {
namespace {

bool is_training_state_key(std::string_view key) {
  constexpr std::array<std::string_view, 6> kNames{"betas",  "alphas_cumprod", "alphas_cumprod_prev",
                                                   "logvar", "lvlb_weights",   "scale_factor"};
  constexpr std::array<std::string_view, 3> kPrefixes{"sqrt_", "log_one_minus_", "posterior_"};
  return std::ranges::find(kNames, key) != kNames.end() ||
         std::ranges::any_of(kPrefixes, [key](std::string_view prefix) { return key.starts_with(prefix); });
}

}  // namespace

bool is_non_weight_key(std::string_view key) {
  const auto last_dot = key.rfind('.');
  const auto last_segment = last_dot == std::string_view::npos ? key : key.substr(last_dot + 1);
  if (last_segment == "position_ids") return true;
  if (key.starts_with("model_ema.")) return true;
  return last_dot == std::string_view::npos && is_training_state_key(key);
}

}  // namespace backdrop::models
