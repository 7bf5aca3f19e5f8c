#include "core/experiment/experiment_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include "core/bandit/random.h"

namespace backdrop::experiment {
namespace {

double z_two_sided(double confidence) {
  return normal_quantile(0.5 + confidence / 2.0);
}

// The percentile of sorted values, interpolated between neighbours (numpy's default).
double percentile(const std::vector<double>& sorted, double q) {
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const auto above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// One resample's totals: `units.size()` units drawn with replacement.
UnitTotals resample_totals(std::span<const UnitTotals> units, bandit::Random& random) {
  UnitTotals totals;
  const int count = static_cast<int>(units.size());
  for (int i = 0; i < count; ++i) {
    const auto& unit = units[static_cast<std::size_t>(random.below(count))];
    totals.impressions += unit.impressions;
    totals.clicks += unit.clicks;
  }
  return totals;
}

}  // namespace

double RatioEstimate::design_effect() const {
  const double binomial = value * (1.0 - value) / impressions;
  if (!(binomial > 0.0)) return 1.0;
  return std::max(1.0, variance / binomial);
}

double normal_cdf(double x) {
  return boost::math::cdf(boost::math::normal_distribution<double>(), x);
}

double normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double chi_square_survival(double x, double degrees_of_freedom) {
  if (x <= 0.0) return 1.0;
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(degrees_of_freedom), x));
}

RatioEstimate ratio_of_sums(std::span<const UnitTotals> units) {
  RatioEstimate estimate;
  for (const auto& unit : units) {
    estimate.impressions += unit.impressions;
    estimate.clicks += unit.clicks;
  }
  estimate.units = static_cast<int64_t>(units.size());
  if (!(estimate.impressions > 0.0)) throw std::invalid_argument("a ratio of sums over no impressions");
  estimate.value = estimate.clicks / estimate.impressions;
  if (units.size() < 2) return estimate;  // no spread to estimate: variance 0, design effect 1
  double squares = 0.0;
  for (const auto& unit : units) {
    const double residual = unit.clicks - estimate.value * unit.impressions;
    squares += residual * residual;
  }
  const double k = static_cast<double>(units.size());
  const double mean_impressions = estimate.impressions / k;
  estimate.variance = squares / (k * (k - 1.0) * mean_impressions * mean_impressions);
  return estimate;
}

RatioEstimate ratio_from_counts(double clicks, double impressions) {
  if (!(impressions > 0.0)) throw std::invalid_argument("a ratio of sums over no impressions");
  RatioEstimate estimate;
  estimate.clicks = clicks;
  estimate.impressions = impressions;
  estimate.units = static_cast<int64_t>(impressions);
  estimate.value = clicks / impressions;
  estimate.variance = estimate.value * (1.0 - estimate.value) / impressions;
  return estimate;
}

Interval wilson_interval(double successes, double trials, double confidence) {
  if (!(trials > 0.0)) return {0.0, 1.0};
  const double z = z_two_sided(confidence);
  const double p = successes / trials;
  const double z2n = z * z / trials;
  const double centre = (p + z2n / 2.0) / (1.0 + z2n);
  const double half = z / (1.0 + z2n) * std::sqrt(p * (1.0 - p) / trials + z2n / (4.0 * trials));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval ctr_interval(const RatioEstimate& ctr, double confidence) {
  const double effective = ctr.effective_impressions();
  return wilson_interval(ctr.value * effective, effective, confidence);
}

std::optional<Uplift> relative_uplift(const RatioEstimate& group, const RatioEstimate& control, double confidence) {
  if (!(group.value > 0.0) || !(control.value > 0.0)) return std::nullopt;
  Uplift uplift;
  const double log_ratio = std::log(group.value / control.value);
  uplift.value = group.value / control.value - 1.0;
  uplift.log_standard_error =
      std::sqrt(group.variance / (group.value * group.value) + control.variance / (control.value * control.value));
  const double z = z_two_sided(confidence);
  uplift.interval = {std::exp(log_ratio - z * uplift.log_standard_error) - 1.0,
                     std::exp(log_ratio + z * uplift.log_standard_error) - 1.0};
  uplift.p_value = uplift.log_standard_error > 0.0 ? 2.0 * normal_cdf(-std::abs(log_ratio) / uplift.log_standard_error)
                                                   : (log_ratio == 0.0 ? 1.0 : 0.0);
  return uplift;
}

std::optional<Interval> bootstrap_uplift_interval(std::span<const UnitTotals> group,
                                                  std::span<const UnitTotals> control, int resamples, uint64_t seed,
                                                  double confidence) {
  if (resamples <= 0 || group.empty() || control.empty()) return std::nullopt;
  bandit::Random random(seed);
  std::vector<double> uplifts;
  uplifts.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    const auto g = resample_totals(group, random);
    const auto c = resample_totals(control, random);
    if (c.clicks > 0.0 && g.impressions > 0.0 && c.impressions > 0.0) {
      uplifts.push_back((g.clicks / g.impressions) / (c.clicks / c.impressions) - 1.0);
    }
  }
  if (2 * uplifts.size() < static_cast<std::size_t>(resamples)) return std::nullopt;
  std::sort(uplifts.begin(), uplifts.end());
  const double tail = (1.0 - confidence) / 2.0;
  return Interval{percentile(uplifts, tail), percentile(uplifts, 1.0 - tail)};
}

SampleRatioTest sample_ratio_test(std::span<const double> observed, std::span<const double> planned_shares,
                                  double threshold) {
  if (observed.size() != planned_shares.size()) {
    throw std::invalid_argument("sample ratio test: " + std::to_string(observed.size()) + " groups observed, " +
                                std::to_string(planned_shares.size()) + " planned");
  }
  double total = 0.0, share_total = 0.0;
  for (std::size_t g = 0; g < observed.size(); ++g) {
    if (!(planned_shares[g] > 0.0)) throw std::invalid_argument("sample ratio test: a planned share is not positive");
    total += observed[g];
    share_total += planned_shares[g];
  }
  SampleRatioTest test;
  test.degrees_of_freedom = static_cast<int>(observed.size()) - 1;
  if (test.degrees_of_freedom < 1 || !(total > 0.0)) return test;
  for (std::size_t g = 0; g < observed.size(); ++g) {
    const double expected = total * planned_shares[g] / share_total;
    test.chi_square += (observed[g] - expected) * (observed[g] - expected) / expected;
  }
  test.p_value = chi_square_survival(test.chi_square, test.degrees_of_freedom);
  test.mismatch = test.p_value < threshold;
  return test;
}

double two_proportion_sample_size(double p_control, double p_group, double group_per_control, double alpha,
                                  double power) {
  if (p_group == p_control) return std::numeric_limits<double>::infinity();
  const double z = normal_quantile(1.0 - alpha / 2.0) + normal_quantile(power);
  const double variance = p_control * (1.0 - p_control) + p_group * (1.0 - p_group) / group_per_control;
  return z * z * variance / ((p_group - p_control) * (p_group - p_control));
}

double minimum_detectable_uplift(double p_control, double n_control, double n_group, double alpha, double power) {
  if (!(p_control > 0.0) || !(n_control > 0.0) || !(n_group > 0.0)) return std::numeric_limits<double>::infinity();
  const double z = normal_quantile(1.0 - alpha / 2.0) + normal_quantile(power);
  const double z2 = z * z;
  // d^2 = z2 (p_c q_c / n_c + (p_c + d)(q_c - d) / n_g)  <=>  a d^2 - b d - c = 0
  const double a = 1.0 + z2 / n_group;
  const double b = z2 * (1.0 - 2.0 * p_control) / n_group;
  const double c = z2 * p_control * (1.0 - p_control) * (1.0 / n_control + 1.0 / n_group);
  const double d = (b + std::sqrt(b * b + 4.0 * a * c)) / (2.0 * a);
  return d / p_control;
}

}  // namespace backdrop::experiment
