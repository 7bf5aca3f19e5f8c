#include "core/imaging/contact_sheet.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace backdrop::imaging {
namespace {

constexpr int kCellWidth = 180;
constexpr int kCellHeight = 150;
constexpr int kLabelWidth = 220;
constexpr int kHeaderHeight = 28;
constexpr int kGap = 6;
const cv::Scalar kSheetColour(48, 48, 48);
const cv::Scalar kCellColour(72, 72, 72);
const cv::Scalar kTextColour(235, 235, 235);
const cv::Scalar kFailureColour(70, 70, 235);

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

// Splits long status lines (error messages) over a few lines of the label column.
std::vector<std::string> wrap(const std::string& text, size_t width, size_t max_lines) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size() && lines.size() < max_lines; start += width) {
    lines.push_back(text.substr(start, width));
  }
  return lines;
}

}  // namespace

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
    put_text(sheet, row.title, cv::Point(8, top + 22), kTextColour, 0.5);
    int line = 0;
    for (const auto& text : wrap(row.status, 30, 6)) {
      put_text(sheet, text, cv::Point(8, top + 46 + 18 * line++), row.failed ? kFailureColour : kTextColour, 0.4);
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
