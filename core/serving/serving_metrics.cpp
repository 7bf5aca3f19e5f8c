#include "core/serving/serving_metrics.h"

#include <sstream>

namespace backdrop::serving {
namespace {

// Label values escape backslash, double quote and newline.
std::string label(std::string_view value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

void increment(std::map<std::string, uint64_t, std::less<>>& counters, std::string_view key) {
  auto found = counters.find(key);
  if (found == counters.end()) found = counters.emplace(std::string(key), 0).first;
  ++found->second;
}

void category_counters(std::ostringstream& out, const char* name,
                       const std::map<std::string, uint64_t, std::less<>>& counters, const char* label_name) {
  for (const auto& [key, count] : counters)
    out << name << '{' << label_name << "=\"" << label(key) << "\"} " << count << '\n';
}

}  // namespace

void ServingMetrics::count_request(std::string_view route, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
}

uint64_t ServingMetrics::requests(std::string_view route, int status) const {
  std::lock_guard lock(mutex_);
  const auto found = requests_.find({std::string(route), status});
  return found == requests_.end() ? 0 : found->second;
}

void ServingMetrics::count_decision(std::string_view category, bool fallback) {
  std::lock_guard lock(mutex_);
  increment(decisions_, category);
  if (fallback) increment(fallbacks_, category);
}

void ServingMetrics::count_feedback(std::string_view outcome, bool click_logged) {
  std::lock_guard lock(mutex_);
  increment(feedback_, outcome);
  if (click_logged) ++clicks_logged_;
}

void ServingMetrics::observe_decide_seconds(double seconds) {
  std::size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  latency_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_nanos_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void ServingMetrics::bundle_loaded(std::string_view version) {
  reload_successes_.fetch_add(1);
  std::lock_guard lock(mutex_);
  bundle_version_ = version;
}

void ServingMetrics::bundle_load_failed() {
  reload_failures_.fetch_add(1);
}

std::string ServingMetrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);

  header(out, "backdrop_serve_requests_total", "counter", "HTTP requests by route and status code.");
  for (const auto& [key, count] : requests_) {
    out << "backdrop_serve_requests_total{route=\"" << label(key.first) << "\",status=\"" << key.second << "\"} "
        << count << '\n';
  }
  header(out, "backdrop_serve_decisions_total", "counter", "Decisions made, by category.");
  category_counters(out, "backdrop_serve_decisions_total", decisions_, "category");
  header(out, "backdrop_serve_latency_fallbacks_total", "counter",
         "Decisions made by the priors' means because the latency budget ran out, by category.");
  category_counters(out, "backdrop_serve_latency_fallbacks_total", fallbacks_, "category");
  header(out, "backdrop_serve_feedback_total", "counter",
         "Feedback by outcome: held (learned online where it learns), not_held (logged only), unmatched (an id "
         "this service did not issue, logged apart).");
  category_counters(out, "backdrop_serve_feedback_total", feedback_, "outcome");
  header(out, "backdrop_serve_clicks_logged_total", "counter", "Clicks written to a category's log.");
  out << "backdrop_serve_clicks_logged_total " << clicks_logged_ << '\n';

  header(out, "backdrop_serve_bundle_info", "gauge", "The bundle being served (value 1).");
  if (!bundle_version_.empty()) out << "backdrop_serve_bundle_info{version=\"" << label(bundle_version_) << "\"} 1\n";
  header(out, "backdrop_serve_bundle_reloads_total", "counter", "Bundle loads by result.");
  out << "backdrop_serve_bundle_reloads_total{result=\"success\"} " << reload_successes_.load() << '\n';
  out << "backdrop_serve_bundle_reloads_total{result=\"failure\"} " << reload_failures_.load() << '\n';

  header(out, "backdrop_serve_decide_seconds", "histogram", "Time to answer POST /v1/decide, parsing included.");
  uint64_t cumulative = 0;
  for (std::size_t bucket = 0; bucket <= kLatencyBuckets.size(); ++bucket) {
    cumulative += latency_counts_[bucket].load(std::memory_order_relaxed);
    out << "backdrop_serve_decide_seconds_bucket{le=\"";
    if (bucket < kLatencyBuckets.size()) {
      out << kLatencyBuckets[bucket];
    } else {
      out << "+Inf";
    }
    out << "\"} " << cumulative << '\n';
  }
  out << "backdrop_serve_decide_seconds_sum " << static_cast<double>(latency_sum_nanos_.load()) * 1e-9 << '\n';
  out << "backdrop_serve_decide_seconds_count " << cumulative << '\n';
  return out.str();
}

}  // namespace backdrop::serving
