#include "core/serving/impression_writer.h"

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace backdrop::serving {
namespace {

// ISO 8601 UTC with milliseconds.
std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto time = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

}  // namespace

std::string log_file_name(std::string_view category) {
  std::string name(category);
  for (auto& c : name) {
    const bool kept =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!kept) c = '_';
  }
  return (name.empty() ? "_" : name) + ".jsonl";
}

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
  return folder_ / log_file_name(category);
}

void ImpressionWriter::impression(const ImpressionRecord& record) {
  nlohmann::json line{{"event", "impression"},
                      {"decision", record.decision},
                      {"arm", record.arm},
                      {"position", 0},
                      {"propensity", record.propensity},
                      {"category", record.category},
                      {"bundle", record.bundle_version},
                      {"arm_id", record.arm_id},
                      {"product", record.product},
                      {"placement", record.placement},
                      {"time", now_utc()}};
  if (record.fallback) line["fallback"] = true;
  // The features go in last, dumped in place rather than copied into `line`.
  auto text = line.dump();
  text.pop_back();
  text += ",\"features\":";
  text += record.features ? record.features->dump() : "{}";
  text += '}';
  append(record.category, std::move(text));
}

void ImpressionWriter::click(std::string_view category, std::string_view decision) {
  const nlohmann::json line{
      {"event", "click"}, {"decision", decision}, {"position", 0}, {"category", category}, {"time", now_utc()}};
  append(category, line.dump());
}

void ImpressionWriter::append(std::string_view category, std::string line) {
  line += '\n';
  std::lock_guard lock(buffer_mutex_);
  auto found = buffers_.find(category);
  if (found == buffers_.end()) found = buffers_.emplace(std::string(category), std::string()).first;
  found->second += line;
}

void ImpressionWriter::flush() {
  std::lock_guard file_lock(file_mutex_);
  std::map<std::string, std::string, std::less<>> pending;
  {
    std::lock_guard lock(buffer_mutex_);
    pending.swap(buffers_);
  }
  for (const auto& [category, lines] : pending) {
    if (lines.empty()) continue;
    auto found = files_.find(category);
    if (found == files_.end()) {
      found = files_.emplace(category, std::ofstream(file_of(category), std::ios::app | std::ios::binary)).first;
    }
    auto& file = found->second;
    file.write(lines.data(), static_cast<std::streamsize>(lines.size()));
    file.flush();
    if (!file) {
      spdlog::error("{}: cannot write {} bytes of impressions", file_of(category).string(), lines.size());
      files_.erase(found);  // reopened on the next flush
    }
  }
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
