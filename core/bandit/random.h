#pragma once
// Seeded random numbers for the policies and the simulator. The distributions are written out
// here (not std::normal_distribution & co., whose algorithms differ between standard libraries),
// so a seed gives the same decisions on every platform.

#include <cstdint>
#include <random>

namespace backdrop::bandit {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n).
  int below(int n) { return static_cast<int>(uniform() * n); }
  double normal();
  double gamma(double shape);
  double beta(double a, double b);

 private:
  std::mt19937_64 engine_;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace backdrop::bandit
