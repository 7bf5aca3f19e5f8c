// The experiment statistics on cases computed by hand (the arithmetic is in the comments).

#include <QtTest>

#include <cmath>
#include <vector>

#include "check_close.h"
#include "core/experiment/experiment_statistics.h"

using namespace backdrop::experiment;

namespace {

constexpr double kZ = 1.959963984540054;  // the standard normal's 97.5% quantile

}  // namespace

class StatisticsTest : public QObject {
  Q_OBJECT

 private slots:
  void distribution_functions() {
    check_close(normal_quantile(0.975), kZ, 1e-12);
    check_close(normal_cdf(-kZ), 0.025, 1e-12);
    check_close(normal_quantile(0.8), 0.8416212335729143, 1e-12);
    // Chi-square with 1 df: P(X >= 3.841459) = 0.05; with 2 df the survival is exp(-x/2).
    check_close(chi_square_survival(kZ * kZ, 1), 0.05, 1e-12);
    check_close(chi_square_survival(3.0, 2), std::exp(-1.5), 1e-12);
    QCOMPARE(chi_square_survival(0.0, 3), 1.0);
  }

  // Units (impressions, clicks): (2,1) (1,0) (3,1) (2,0): R = 2/8 = 0.25; residuals
  // clicks - R impressions = 0.5, -0.25, 0.25, -0.5; their squares sum to 0.625; k = 4 units of
  // mean 2 impressions: Var = 0.625 / (4 * 3 * 2^2) = 0.013020833. The binomial variance
  // 0.25 * 0.75 / 8 = 0.0234375 is larger, so the design effect is 1.
  void ratio_of_sums_with_delta_method_variance() {
    const std::vector<UnitTotals> units{{2, 1}, {1, 0}, {3, 1}, {2, 0}};
    const auto ratio = ratio_of_sums(units);
    QCOMPARE(ratio.value, 0.25);
    check_close(ratio.variance, 0.625 / 48.0, 1e-15);
    QCOMPARE(ratio.units, int64_t{4});
    QCOMPARE(ratio.design_effect(), 1.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ratio_of_sums(std::vector<UnitTotals>{}));
  }

  // (4,2) (4,0): R = 0.25, residuals 1 and -1, Var = 2 / (2 * 1 * 4^2) = 0.0625 against the
  // binomial 0.0234375: design effect 8/3, effective impressions 8 / (8/3) = 3, and the CTR
  // interval is Wilson's for 0.75 clicks in 3 trials: [0.036841, 0.743907].
  void clustered_clicks_widen_the_ctr_interval() {
    const std::vector<UnitTotals> units{{4, 2}, {4, 0}};
    const auto ratio = ratio_of_sums(units);
    check_close(ratio.variance, 0.0625, 1e-15);
    check_close(ratio.design_effect(), 8.0 / 3.0, 1e-12);
    check_close(ratio.effective_impressions(), 3.0, 1e-12);
    const auto interval = ctr_interval(ratio);
    check_close(interval.low, 0.03684119619498477, 1e-9);
    check_close(interval.high, 0.7439073196825379, 1e-9);
  }

  // Wilson for 2 of 8 (z^2/n = 0.480182): centre (0.25 + 0.240091) / 1.480182 = 0.331105, half
  // width 1.324138 * sqrt(0.0234375 + 0.0150057) = 0.259623: [0.071479, 0.590725], the textbook
  // value; it stays inside [0, 1] at 0 clicks.
  void wilson_interval_matches_the_textbook() {
    const auto interval = wilson_interval(2, 8);
    check_close(interval.low, 0.071479212752109, 1e-9);
    check_close(interval.high, 0.5907245696898311, 1e-9);
    const auto none = wilson_interval(0, 20);
    QCOMPARE(none.low, 0.0);
    check_close(none.high, kZ * kZ / (20 + kZ * kZ), 1e-12);
  }

  // 60 clicks in 1000 against 50 in 1000 (binomial variances 5.64e-5 and 4.75e-5): uplift 0.2,
  // se of the log ratio sqrt(5.64e-5 / 0.06^2 + 4.75e-5 / 0.05^2) = sqrt(0.0346667) = 0.186190,
  // interval exp(ln 1.2 -+ 1.959964 * 0.186190) - 1 = [-0.166902, 0.728488],
  // p = 2 Phi(-0.182322 / 0.186190) = 0.327469.
  void uplift_interval_by_the_delta_method() {
    const auto uplift = relative_uplift(ratio_from_counts(60, 1000), ratio_from_counts(50, 1000));
    QVERIFY(uplift);
    check_close(uplift->value, 0.2, 1e-12);
    check_close(uplift->log_standard_error, 0.18618986725025255, 1e-12);
    check_close(uplift->interval.low, -0.1669019005501623, 1e-9);
    check_close(uplift->interval.high, 0.7284879187108322, 1e-9);
    check_close(uplift->p_value, 0.32746939162996647, 1e-9);
    QVERIFY(!relative_uplift(ratio_from_counts(5, 100), ratio_from_counts(0, 100)));
  }

  // The bootstrap agrees with the delta method on a sample of independent impressions and gives
  // the same interval for the same seed.
  void bootstrap_interval_checks_the_delta_method() {
    std::vector<UnitTotals> group(4000, {1, 0}), control(4000, {1, 0});
    for (int i = 0; i < 240; ++i) group[static_cast<std::size_t>(i)].clicks = 1;
    for (int i = 0; i < 200; ++i) control[static_cast<std::size_t>(i)].clicks = 1;
    const auto delta = relative_uplift(ratio_of_sums(group), ratio_of_sums(control));
    const auto bootstrap = bootstrap_uplift_interval(group, control, 2000, 5);
    QVERIFY(delta && bootstrap);
    check_close(bootstrap->low, delta->interval.low, 0.03);
    check_close(bootstrap->high, delta->interval.high, 0.03);
    const auto again = bootstrap_uplift_interval(group, control, 2000, 5);
    QCOMPARE(again->low, bootstrap->low);
    QCOMPARE(again->high, bootstrap->high);
    QVERIFY(!bootstrap_uplift_interval(group, std::vector<UnitTotals>(10, {1, 0}), 100, 1));
  }

  // 520 / 480 planned 50/50: expected 500 each, chi-square 2 * 20^2 / 500 = 1.6, p 0.205903.
  // 5200 / 4800: chi-square 16, p 6.334e-5 < 0.001, a mismatch. 50 / 45 / 905 planned
  // 5/5/90%: expected 50, 50, 900, chi-square 0 + 0.5 + 0.027778, 2 df: p = exp(-0.263889).
  void sample_ratio_mismatch() {
    const std::vector<double> halves{0.5, 0.5};
    auto test = sample_ratio_test(std::vector<double>{520, 480}, halves);
    check_close(test.chi_square, 1.6, 1e-12);
    check_close(test.p_value, 0.20590321073206833, 1e-9);
    QVERIFY(!test.mismatch);
    test = sample_ratio_test(std::vector<double>{5200, 4800}, halves);
    check_close(test.chi_square, 16.0, 1e-12);
    check_close(test.p_value, 6.334248366623977e-05, 1e-12);
    QVERIFY(test.mismatch);
    test = sample_ratio_test(std::vector<double>{50, 45, 905}, std::vector<double>{0.05, 0.05, 0.9});
    QCOMPARE(test.degrees_of_freedom, 2);
    check_close(test.chi_square, 0.5 + 25.0 / 900.0, 1e-12);
    check_close(test.p_value, std::exp(-(0.5 + 25.0 / 900.0) / 2.0), 1e-12);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             sample_ratio_test(std::vector<double>{1, 2}, std::vector<double>{1}));
  }

  // 5% against 6% at alpha 0.05 and power 0.8: (1.959964 + 0.841621)^2 (0.0475 + 0.0564) / 0.01^2
  // = 8154.99 impressions per group (the usual "about 8,155"); with that many in each group the
  // minimum detectable uplift is 20%. Twice as many in the group: the control needs
  // 7.848861 * (0.0475 + 0.0282) / 1e-4 = 5941.6.
  void sample_size_and_minimum_detectable_uplift() {
    const double n = two_proportion_sample_size(0.05, 0.06, 1.0);
    check_close(n, 8154.986043988702, 1e-6);
    check_close(minimum_detectable_uplift(0.05, n, n), 0.2, 1e-9);
    const double unequal = two_proportion_sample_size(0.05, 0.06, 2.0);
    check_close(unequal, std::pow(kZ + 0.8416212335729143, 2) * (0.0475 + 0.0282) / 1e-4, 1e-6);
    check_close(minimum_detectable_uplift(0.05, unequal, 2.0 * unequal), 0.2, 1e-9);
  }
};

QTEST_APPLESS_MAIN(StatisticsTest)
#include "statistics_test.moc"
