#include "core/common/csv_reader.h"

namespace backdrop {

CsvReader::CsvReader(const std::filesystem::path& path)
    : owned_(std::make_unique<std::ifstream>(path, std::ios::binary)), in_(owned_.get()), origin_(path.string()) {
  if (!*owned_) throw CsvError(origin_ + ": cannot open");
}

CsvReader::CsvReader(std::istream& stream, std::string origin) : in_(&stream), origin_(std::move(origin)) {}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (at_start_) {
    at_start_ = false;
    // Skip a UTF-8 byte-order mark, which spreadsheet programs like to write.
    if (in_->peek() == 0xEF) {
      char bom[3];
      in_->read(bom, 3);
      if (!(bom[1] == '\xBB' && bom[2] == '\xBF')) throw CsvError(origin_ + ": line 1: invalid byte-order mark");
    }
  }
  if (in_->peek() == std::char_traits<char>::eof()) return false;

  record_line_ = line_;
  std::string field;
  bool quoted = false;
  bool field_was_quoted = false;
  for (;;) {
    const int c = in_->get();
    if (c == std::char_traits<char>::eof()) {
      if (quoted) throw CsvError(origin_ + ": line " + std::to_string(record_line_) + ": unterminated quoted field");
      fields.push_back(std::move(field));
      return true;
    }
    if (quoted) {
      if (c == '"') {
        if (in_->peek() == '"') {
          in_->get();
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '"' && field.empty() && !field_was_quoted) {
      quoted = true;
      field_was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      field_was_quoted = false;
    } else if (c == '\r' && in_->peek() == '\n') {
      continue;  // the '\n' ends the record
    } else if (c == '\n') {
      ++line_;
      fields.push_back(std::move(field));
      return true;
    } else {
      field.push_back(static_cast<char>(c));
    }
  }
}

CsvHeader::CsvHeader(std::vector<std::string> names) : names_(std::move(names)) {}

std::optional<std::size_t> CsvHeader::find(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvHeader::require(const std::string& name, const std::string& origin) const {
  const auto index = find(name);
  if (!index) throw CsvError(origin + ": line 1: no column named '" + name + "'");
  return *index;
}

}  // namespace backdrop
