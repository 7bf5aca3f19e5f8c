#pragma once
// Streaming RFC 4180 CSV reader: quoted fields with commas, doubled quotes and line breaks, CRLF
// or LF line ends, a UTF-8 byte-order mark. It reads one record at a time, so a log of millions of
// rows never sits in memory, and it tells the line each record starts on for error reports.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace backdrop {

class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CsvReader {
 public:
  // Throws CsvError when the file cannot be opened.
  explicit CsvReader(const std::filesystem::path& path);
  explicit CsvReader(std::istream& stream, std::string origin = "<stream>");

  // Reads the next record into `fields`; false at the end of the input. A quote left open at the
  // end of the input is a CsvError naming the line where the record started.
  bool next(std::vector<std::string>& fields);

  // The 1-based line on which the last record returned by next() started.
  int64_t record_line() const { return record_line_; }
  const std::string& origin() const { return origin_; }

 private:
  std::unique_ptr<std::ifstream> owned_;
  std::istream* in_;
  std::string origin_;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  bool at_start_ = true;
};

// Column positions by header name, for readers that accept any column order.
class CsvHeader {
 public:
  explicit CsvHeader(std::vector<std::string> names);
  std::optional<std::size_t> find(const std::string& name) const;
  // Throws CsvError naming the file and the missing column.
  std::size_t require(const std::string& name, const std::string& origin) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

}  // namespace backdrop
