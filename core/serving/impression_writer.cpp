#include "core/serving/impression_writer.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/bandit/impression_log.h"
#include "core/serving/decision_id.h"
#include "core/serving/json_text.h"
#include "core/serving/serving_errors.h"

namespace backdrop::serving {
namespace {

// The time as ISO 8601 UTC with milliseconds, a JSON string, in a per-thread buffer. The date and
// time up to the second are formatted once a second per thread.
std::string_view now_utc_json() {
  thread_local std::time_t formatted_second = -1;
  thread_local char second_text[64];
  const auto now = std::chrono::system_clock::now();
  const auto time = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  if (time != formatted_second) {
    std::tm utc{};
    gmtime_r(&time, &utc);
    std::snprintf(second_text, sizeof second_text, "%04d-%02d-%02dT%02d:%02d:%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    formatted_second = time;
  }
  thread_local std::string text;
  char millis_text[8];
  std::snprintf(millis_text, sizeof millis_text, ".%03dZ", static_cast<int>(millis));
  text.assign(1, '"').append(second_text).append(millis_text).append(1, '"');
  return text;
}

// The line being written, per thread, so that its capacity is reused.
std::string& thread_line() {
  thread_local std::string line;
  line.clear();
  return line;
}

}  // namespace

ImpressionWriter::ImpressionWriter(std::filesystem::path folder, std::chrono::milliseconds flush_interval)
    : folder_(std::move(folder)), flush_interval_(flush_interval) {
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  if (error) throw std::runtime_error(folder_.string() + ": cannot create the log folder: " + error.message());
  flusher_ = std::thread([this] { run_flusher(); });
}

ImpressionWriter::~ImpressionWriter() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  flusher_.join();
  flush();
}

std::filesystem::path ImpressionWriter::file_of(std::string_view category) const {
  return folder_ / bandit::impression_log_file_name(category);
}

// The keys in dump()'s order (sorted), the features last, as the loader and people expect.
void ImpressionWriter::impression(const ImpressionRecord& record) {
  auto& line = thread_line();
  JsonObjectText object(line);
  const bool experiment = !record.experiment.empty();
  object.integer("arm", record.arm).string("arm_id", record.arm_id);
  if (experiment) object.string("assignment", record.assigned ? "user" : "unassigned");
  object.string("bundle", record.bundle_version).string("category", record.category);
  if (experiment) object.string("control", record.control);
  object.string("decision", record.decision).string("event", "impression");
  if (experiment) object.string("experiment", record.experiment);
  if (record.fallback) object.boolean("fallback", true);
  if (experiment) {
    object.string("group", record.group);
    if (record.group_fallback) object.boolean("group_fallback", true);
    object.string("group_kind", record.group_kind).number("group_share", record.group_share);
  }
  object.string("placement", record.placement)
      .integer("position", 0)
      .string("product", record.product)
      .number("propensity", record.propensity)
      .raw("time", now_utc_json());
  if (experiment && !record.user.empty()) object.string("user", record.user);
  if (record.features) {
    object.value("features", *record.features);
  } else {
    object.raw("features", "{}");
  }
  object.close();
  line += '\n';
  append(record.category, line);
}

void ImpressionWriter::click(std::string_view category, std::string_view decision) {
  auto& line = thread_line();
  JsonObjectText(line)
      .string("category", category)
      .string("decision", decision)
      .string("event", "click")
      .integer("position", 0)
      .raw("time", now_utc_json())
      .close();
  line += '\n';
  std::lock_guard file_lock(file_mutex_);
  write_buffered();  // this process's impressions first, so that its lines keep their order
  const auto file = file_of(category);
  if (!write_lines(file, line)) throw Unavailable(file.string() + ": the click could not be logged; send it again");
}

void ImpressionWriter::unmatched_click(std::string_view decision, bool clicked, std::string_view reason) {
  // An id longer than any genuine one is cut (at a character boundary: the line stays UTF-8).
  auto kept = decision.substr(0, std::min(decision.size(), kMaxDecisionIdLength));
  while (!kept.empty() && kept.size() < decision.size() &&
         (static_cast<unsigned char>(decision[kept.size()]) & 0xC0) == 0x80) {
    kept.remove_suffix(1);
  }
  auto& line = thread_line();
  JsonObjectText(line)
      .boolean("clicked", clicked)
      .string("decision", kept)
      .string("event", "unmatched_click")
      .string("reason", reason)
      .raw("time", now_utc_json())
      .close();
  line += '\n';
  std::lock_guard file_lock(file_mutex_);
  write_lines(folder_ / kUnmatchedClicksFile, line);
}

void ImpressionWriter::append(std::string_view category, std::string_view line) {
  std::lock_guard lock(buffer_mutex_);
  auto found = buffers_.find(category);
  if (found == buffers_.end()) found = buffers_.emplace(std::string(category), std::string()).first;
  found->second += line;
}

void ImpressionWriter::flush() {
  std::lock_guard file_lock(file_mutex_);
  write_buffered();
}

void ImpressionWriter::write_buffered() {
  {
    std::lock_guard lock(buffer_mutex_);
    writing_.swap(buffers_);
  }
  for (auto& [category, lines] : writing_) {
    if (lines.empty()) continue;
    write_lines(file_of(category), lines);
    lines.clear();  // keeps its capacity for the next swap
  }
}

bool ImpressionWriter::write_lines(const std::filesystem::path& path, std::string_view lines) {
  auto found = files_.find(path);
  if (found == files_.end()) found = files_.emplace(path, std::ofstream(path, std::ios::app | std::ios::binary)).first;
  auto& file = found->second;
  file.write(lines.data(), static_cast<std::streamsize>(lines.size()));
  file.flush();
  if (file) return true;
  spdlog::error("{}: cannot write {} bytes of impressions and clicks", path.string(), lines.size());
  files_.erase(found);  // reopened on the next write
  return false;
}

void ImpressionWriter::run_flusher() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    stop_signal_.wait_for(lock, flush_interval_, [this] { return stopping_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace backdrop::serving
