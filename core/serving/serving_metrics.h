#pragma once
// The serving counters and the decide latency histogram, rendered in Prometheus' text exposition
// format (version 0.0.4) for GET /metrics. Thread-safe: the histogram and the reload counters are
// atomics; the labelled counters take a mutex for a map update.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace backdrop::serving {

class ServingMetrics {
 public:
  // Upper bounds of the decide latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 11> kLatencyBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005,
                                                          0.01,   0.025,   0.05,   0.1,   1.0};

  // `route` should come from a fixed set (the handler's pattern, or "other") to bound the labels.
  void count_request(std::string_view route, int status);
  void count_decision(std::string_view category, bool fallback);
  // outcome: "held" (200), "not_held" (202) or "unmatched" (422: not an id this service issued);
  // `click_logged`: a click line was written to a category's log.
  void count_feedback(std::string_view outcome, bool click_logged);
  void observe_decide_seconds(double seconds);
  void bundle_loaded(std::string_view version);
  void bundle_load_failed();

  std::string render() const;

  uint64_t reload_failures() const { return reload_failures_.load(); }
  uint64_t requests(std::string_view route, int status) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, uint64_t, std::less<>> decisions_;
  std::map<std::string, uint64_t, std::less<>> fallbacks_;
  std::map<std::string, uint64_t, std::less<>> feedback_;
  uint64_t clicks_logged_ = 0;
  std::string bundle_version_;

  std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> latency_counts_{};  // last: +Inf
  std::atomic<uint64_t> latency_sum_nanos_{0};
  std::atomic<uint64_t> reload_successes_{0};
  std::atomic<uint64_t> reload_failures_{0};
};

}  // namespace backdrop::serving
