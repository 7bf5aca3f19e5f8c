#pragma once
// Writes impressions and clicks as the JSON lines core/bandit/impression_log.h reads, one file per
// category, <folder>/<category>.jsonl (characters other than letters, digits, '-' and '_' become
// '_'), appended to across restarts (keys sorted, the features last):
//
//   {"arm":2,"arm_id":"p12","bundle":"<version>","category":"shoes","decision":"...",
//    "event":"impression","placement":"home","position":0,"product":"sku-1","propensity":0.9625,
//    "time":"2026-11-26T02:10:00.123Z","features":{"placement":{...},"product":{...},"user":{...}}}
//   {"category":"shoes","decision":"...","event":"click","position":0,"time":"..."}
//
// The loader reads event, decision, arm, position, propensity and features and ignores the rest
// (arm_id, bundle, category, placement, product, time, and "fallback":true on decisions the latency
// budget made by the priors' means), which are for people and dashboards. "arm" indexes the arms of
// the bundle named by "bundle".
//
// When the category runs an experiment, each impression also carries (in the same sorted order)
// "assignment" ("user" or "unassigned"), "control", "experiment", "group", "group_kind",
// "group_share", "user" (when the request had a user id) and "group_fallback":true when a
// previous-bundle group had no image of the product there; "propensity" is then the one within the
// group. Images of experiment groups that are not arms (original, white, previous-bundle) log
// "arm": -1 and their key as "arm_id" ("original", "white" or the earlier version's arm id); the
// bandit loader skips them as it should, since they are no arm of the bundle.
//
// Impressions are buffered in memory and written by a background thread every flush interval, on
// flush() and on destruction (a SIGKILL loses at most one interval of impressions). A click is
// durable: click() writes the buffered lines and then the click, flushes them to the operating
// system (write(2) returned: the line survives the process being killed, not a power loss, since
// nothing is fsync'ed) and only then returns; when the write fails it throws Unavailable so that
// the client is told to send the click again. Feedback for an id that is not one of ours goes to
// <folder>/unmatched-clicks.log, never to a category's file (a category's file always ends in
// .jsonl, so no category name can reach it, and folder readers that take every *.jsonl skip it):
//
//   {"clicked":true,"decision":"<the id as sent, at most 1024 bytes>","event":"unmatched_click",
//    "reason":"its tag does not match (garbled, or not issued with this key)","time":"..."}
//
// Thread-safe.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/serving/impression_sink.h"

namespace backdrop::serving {

// Where feedback for ids that fail their check is logged, in the log folder.
inline constexpr const char* kUnmatchedClicksFile = "unmatched-clicks.log";

class ImpressionWriter final : public ImpressionSink {
 public:
  // Creates `folder` when needed; throws std::runtime_error when it cannot.
  ImpressionWriter(std::filesystem::path folder, std::chrono::milliseconds flush_interval);
  ~ImpressionWriter() override;
  ImpressionWriter(const ImpressionWriter&) = delete;
  ImpressionWriter& operator=(const ImpressionWriter&) = delete;

  void impression(const ImpressionRecord& record) override;
  void click(std::string_view category, std::string_view decision) override;
  void unmatched_click(std::string_view decision, bool clicked, std::string_view reason) override;

  // Writes every buffered line now. Write errors are logged and the lines are dropped.
  void flush();
  std::filesystem::path file_of(std::string_view category) const;

 private:
  // `line` ends with its newline.
  void append(std::string_view category, std::string_view line);
  // Under file_mutex_: the buffered lines, then whether `lines` reached `path` (errors are logged).
  void write_buffered();
  bool write_lines(const std::filesystem::path& path, std::string_view lines);
  void run_flusher();

  std::filesystem::path folder_;
  std::chrono::milliseconds flush_interval_;

  // Two sets of per-category buffers swapped on every flush: requests append to one while the
  // other is written, and a buffer keeps its capacity across flushes, so that an append under
  // buffer_mutex_ does not reallocate (and copy megabytes) once the traffic's size is reached.
  std::mutex buffer_mutex_;
  std::map<std::string, std::string, std::less<>> buffers_;  // category -> lines not yet written

  // One writer at a time, so lines keep their order; guards writing_ and files_.
  std::mutex file_mutex_;
  std::map<std::string, std::string, std::less<>> writing_;
  std::map<std::filesystem::path, std::ofstream> files_;

  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace backdrop::serving
