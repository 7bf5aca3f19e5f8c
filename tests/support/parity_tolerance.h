#pragma once
// Parity tolerances that hold on any fixture set, not only on the public one.
//
// The fixture README's "Tolerances" table suggests an absolute tolerance per group of tensors,
// next to the largest |reference value| of that group in the public fixtures. Float32 rounding
// error grows with the size of the values computed, and another fixture set (other sizes, other
// random weights, more steps) may hold larger values. So the tolerance for a reference tensor is
// the group's atol, scaled by how much larger that tensor's values are than the public group's:
// never looser than the README's atol on the public fixtures, and read from the data at hand.

#include <algorithm>

#include "support/doctest_torch.h"

namespace backdrop::test {

struct ParityGroup {
  double atol;              // the README's suggested absolute tolerance
  double public_magnitude;  // the README's "max abs ref value" of the group it was suggested for
};

namespace parity {
inline constexpr ParityGroup kTextEncoder{1e-4, 3.2};
inline constexpr ParityGroup kUNet{1e-4, 1.1};
inline constexpr ParityGroup kControlNet{1e-4, 4.5};  // residuals, and the UNet fed with them
inline constexpr ParityGroup kVae{2e-4, 4.0};
inline constexpr ParityGroup kSchedulerLatents{2e-4, 44.8};
inline constexpr ParityGroup kPipelineLatents{2e-3, 34.4};  // amplified by guidance
inline constexpr ParityGroup kImage{1e-3, 1.0};             // decoded images in [0, 1]
// The inpainting section's own table.
inline constexpr ParityGroup kInpaintImageLatents{1e-4, 1.7};  // posteriors, (masked) image latents
inline constexpr ParityGroup kInpaintModelOutputs{1e-3, 3.9};  // unet_out, noise_pred, ControlNet residuals
inline constexpr ParityGroup kInpaintStepLatents{2e-3, 28.9};  // per-step latents, 4 and 9 channels
inline constexpr ParityGroup kInpaintDecoded{1e-3, 1.8};
}  // namespace parity

inline double max_abs_difference(const torch::Tensor& actual, const torch::Tensor& expected) {
  REQUIRE(actual.sizes() == expected.sizes());
  return (actual.to(torch::kFloat64) - expected.to(torch::kFloat64)).abs().max().item<double>();
}

inline double tolerance_for(const ParityGroup& group, const torch::Tensor& expected) {
  const double magnitude = expected.numel() == 0 ? 0.0 : expected.abs().max().item<double>();
  return group.atol * std::max(1.0, magnitude / group.public_magnitude);
}

}  // namespace backdrop::test

// CHECK that `actual` is within the parity tolerance of `expected` for `group`; the failure message
// shows the difference and the tolerance.
#define CHECK_PARITY(actual, expected, group)                                \
  do {                                                                       \
    const torch::Tensor parity_expected_ = (expected);                       \
    CHECK(::backdrop::test::max_abs_difference((actual), parity_expected_) < \
          ::backdrop::test::tolerance_for((group), parity_expected_));       \
  } while (false)
