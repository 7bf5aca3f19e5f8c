#pragma once
// The statistics of an online experiment on click-through rates, for the report.
//
// Unit of analysis. Impressions of one user are not independent (a user who likes the shop clicks
// on several), so every variance here is computed over *units*: users when the group came from the
// user id, single impressions when the request had none. A group's CTR is the ratio of sums
//   R = sum_i clicks_i / sum_i impressions_i   over its units i = 1..k,
// whose delta-method variance (the cluster-robust "ratio estimator" variance) is
//   Var(R) = sum_i (clicks_i - R impressions_i)^2 / (k (k - 1) mean_impressions^2).
// With one impression per unit it is R(1 - R)/(k - 1), the binomial variance up to k/(k - 1).
//
// - CTR interval: Wilson score interval on the effective number of impressions, impressions /
//   design effect, where the design effect Var(R) / (R(1 - R)/impressions) is at least 1. Wilson
//   stays inside [0, 1] and keeps its coverage at a few clicks, where a normal interval does not.
// - Uplift of a group over the control, U = R_group / R_control - 1: delta method on the ratio of
//   the two means, on the log scale, Var(log R_g - log R_c) = Var(R_g)/R_g^2 + Var(R_c)/R_c^2 (the
//   groups are independent), interval exp(log(1 + U) +- z se) - 1 (asymmetric like the ratio
//   itself), two-sided p-value of the Wald test of log(1 + U) = 0 with the same se, so p < 0.05
//   exactly when the 95% interval excludes 0.
// - Bootstrap check: percentile interval of U over resamples of units within each group.
// - Sample ratio mismatch: Pearson's chi-square of the units per group against the planned shares.
// - Power: the closed form for two proportions with unpooled variances (the Wald test above has
//   the same power to first order), on effective impressions.
// Normal and chi-square distribution functions come from Boost.Math.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace backdrop::experiment {

inline constexpr double kConfidence = 0.95;
inline constexpr double kSampleRatioThreshold = 0.001;  // flag a mismatch below this p-value
inline constexpr double kPowerAlpha = 0.05;             // two-sided
inline constexpr double kPower = 0.8;

struct Interval {
  double low = 0.0;
  double high = 0.0;
  bool contains(double x) const { return low <= x && x <= high; }
};

// One unit of analysis: a user's (or an unassigned impression's) impressions and clicks.
struct UnitTotals {
  double impressions = 0.0;
  double clicks = 0.0;
};

// A ratio of sums with its delta-method variance.
struct RatioEstimate {
  double value = 0.0;
  double variance = 0.0;
  double impressions = 0.0;
  double clicks = 0.0;
  int64_t units = 0;
  // Var(R) / binomial variance, at least 1 (1 when the binomial variance is 0).
  double design_effect() const;
  double effective_impressions() const { return impressions / design_effect(); }
};

double normal_cdf(double x);
double normal_quantile(double p);
// P(X >= x) for X chi-square with `degrees_of_freedom`.
double chi_square_survival(double x, double degrees_of_freedom);

// Throws std::invalid_argument when there are no impressions.
RatioEstimate ratio_of_sums(std::span<const UnitTotals> units);
// The same for independent impressions (one unit each): binomial variance R(1 - R)/impressions.
RatioEstimate ratio_from_counts(double clicks, double impressions);

Interval wilson_interval(double successes, double trials, double confidence = kConfidence);
// Wilson on the effective impressions (see above).
Interval ctr_interval(const RatioEstimate& ctr, double confidence = kConfidence);

struct Uplift {
  double value = 0.0;  // R_group / R_control - 1
  double log_standard_error = 0.0;
  Interval interval;
  double p_value = 1.0;
};
// nullopt when either group has no clicks (the log ratio is undefined).
std::optional<Uplift> relative_uplift(const RatioEstimate& group, const RatioEstimate& control,
                                      double confidence = kConfidence);

// Percentile interval of the uplift over `resamples` resamples of units within each group, seeded.
// Resamples whose control has no click are left out; nullopt when more than half are.
std::optional<Interval> bootstrap_uplift_interval(std::span<const UnitTotals> group,
                                                  std::span<const UnitTotals> control, int resamples, uint64_t seed,
                                                  double confidence = kConfidence);

struct SampleRatioTest {
  double chi_square = 0.0;
  int degrees_of_freedom = 0;
  double p_value = 1.0;
  bool mismatch = false;  // p_value < threshold
};
// `observed` units per group against `planned_shares` (renormalised to sum to 1). Throws
// std::invalid_argument when the sizes differ or a share is not positive.
SampleRatioTest sample_ratio_test(std::span<const double> observed, std::span<const double> planned_shares,
                                  double threshold = kSampleRatioThreshold);

// Impressions the control needs (the group needs `group_per_control` times as many) to detect CTR
// `p_group` against `p_control` with a two-sided test at `alpha` and `power`:
//   n_control = (z_{1-alpha/2} + z_power)^2 (p_c (1 - p_c) + p_g (1 - p_g) / r) / (p_g - p_c)^2.
double two_proportion_sample_size(double p_control, double p_group, double group_per_control,
                                  double alpha = kPowerAlpha, double power = kPower);
// The smallest relative uplift d / p_control (d > 0) that the formula above detects with
// `n_control` and `n_group` impressions: the positive root of the quadratic in d it gives.
double minimum_detectable_uplift(double p_control, double n_control, double n_group, double alpha = kPowerAlpha,
                                 double power = kPower);

}  // namespace backdrop::experiment
