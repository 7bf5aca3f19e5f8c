#include "core/imaging/contact_sheet.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {
namespace {

constexpr int kCellWidth = 180;
constexpr int kCellHeight = 150;
constexpr int kLabelWidth = 220;
constexpr int kLabelMargin = 8;
constexpr double kStatusSize = 0.4;
constexpr int kHeaderHeight = 28;
constexpr int kGap = 6;
const cv::Scalar kSheetColour(48, 48, 48);
const cv::Scalar kCellColour(72, 72, 72);
const cv::Scalar kTextColour(235, 235, 235);
const cv::Scalar kFailureColour(70, 70, 235);
const cv::Scalar kAttentionColour(40, 190, 245);

cv::Mat fit_into_cell(const cv::Mat& image) {
  cv::Mat cell(kCellHeight, kCellWidth, CV_8UC3, kCellColour);
  if (image.empty()) return cell;
  const double scale = std::min(kCellWidth / double(image.cols), kCellHeight / double(image.rows));
  cv::Mat scaled;
  cv::resize(image, scaled, cv::Size(std::max(1, int(image.cols * scale)), std::max(1, int(image.rows * scale))), 0, 0,
             cv::INTER_AREA);
  scaled.copyTo(cell(cv::Rect((kCellWidth - scaled.cols) / 2, (kCellHeight - scaled.rows) / 2, scaled.cols, scaled.rows)));
  return cell;
}

void put_text(cv::Mat& sheet, const std::string& text, cv::Point at, const cv::Scalar& colour, double size = 0.45) {
  cv::putText(sheet, text, at, cv::FONT_HERSHEY_SIMPLEX, size, colour, 1, cv::LINE_AA);
}

int text_width(const std::string& text, double size) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, size, 1, &baseline).width;
}

// The longest head of `word` that fits `width` pixels, preferring a cut after '_', '-' or '/'
// (paths and ids in error messages); at least one character so that wrapping always advances.
size_t fitting_prefix(const std::string& word, int width, double size) {
  size_t fits = 1;
  while (fits < word.size() && text_width(word.substr(0, fits + 1), size) <= width) ++fits;
  if (fits == word.size()) return fits;
  const auto cut = word.find_last_of("_-/", fits - 1);
  return cut != std::string::npos && cut > 0 ? cut + 1 : fits;
}

}  // namespace

std::vector<std::string> wrap_label(const std::string& text, int width, double size, size_t max_lines) {
  if (max_lines == 0) return {};
  std::vector<std::string> words;
  for (size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find(' ', start), text.size());
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < words.size();) {
    const std::string joined = line.empty() ? words[i] : line + " " + words[i];
    if (text_width(joined, size) <= width) {
      line = joined;
      ++i;
    } else if (!line.empty()) {
      lines.push_back(std::move(line));
      line.clear();
    } else {  // one word wider than the line
      const auto head = fitting_prefix(words[i], width, size);
      lines.push_back(words[i].substr(0, head));
      words[i].erase(0, head);
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  if (lines.size() > max_lines) {
    lines.resize(max_lines);
    auto& last = lines.back();
    while (!last.empty() && text_width(last + "...", size) > width) last.pop_back();
    last += "...";
  }
  return lines;
}

cv::Mat contact_sheet_thumbnail(const cv::Mat& image) { return fit_into_cell(image); }

cv::Mat outlined_thumbnail(const cv::Mat& photo, const cv::Mat& mask) {
  cv::Mat outlined = photo.clone();
  if (!mask.empty()) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
    const int thickness = std::max(2, std::max(photo.cols, photo.rows) / 200);
    cv::drawContours(outlined, contours, -1, cv::Scalar(0, 220, 0), thickness, cv::LINE_AA);
  }
  return fit_into_cell(outlined);
}

cv::Mat render_contact_sheet(const std::vector<ContactSheetRow>& rows, const std::vector<std::string>& column_titles) {
  const int columns = 1 + static_cast<int>(column_titles.size());
  const int width = kLabelWidth + columns * (kCellWidth + kGap) + kGap;
  const int height = kHeaderHeight + static_cast<int>(rows.size()) * (kCellHeight + kGap) + kGap;
  cv::Mat sheet(height, width, CV_8UC3, kSheetColour);

  put_text(sheet, "photo + mask", cv::Point(kLabelWidth + kGap, 19), kTextColour);
  for (size_t c = 0; c < column_titles.size(); ++c) {
    put_text(sheet, column_titles[c], cv::Point(kLabelWidth + kGap + int(c + 1) * (kCellWidth + kGap), 19), kTextColour,
             0.38);
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const int top = kHeaderHeight + int(r) * (kCellHeight + kGap);
    put_text(sheet, row.title, cv::Point(kLabelMargin, top + 22), kTextColour, 0.5);
    int line = 0;
    const cv::Scalar& colour = row.failed ? kFailureColour : row.needs_attention ? kAttentionColour : kTextColour;
    for (const auto& text : wrap_label(row.status, kLabelWidth - 2 * kLabelMargin, kStatusSize, 6)) {
      put_text(sheet, text, cv::Point(kLabelMargin, top + 46 + 18 * line++), colour, kStatusSize);
    }
    const int left = kLabelWidth + kGap;
    (row.photo.empty() ? fit_into_cell({}) : row.photo).copyTo(sheet(cv::Rect(left, top, kCellWidth, kCellHeight)));
    for (int c = 0; c + 1 < columns; ++c) {
      const cv::Mat cell = c < int(row.placements.size()) ? row.placements[c] : fit_into_cell({});
      cell.copyTo(sheet(cv::Rect(left + (c + 1) * (kCellWidth + kGap), top, kCellWidth, kCellHeight)));
    }
  }
  return sheet;
}

}  // namespace backdrop::imaging
