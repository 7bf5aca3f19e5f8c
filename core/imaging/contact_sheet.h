#pragma once
// A contact sheet for a person to review a preparation run at a glance: one row per product,
// its photo with the mask outlined, then its studio image on every placement; failed products
// show why in red.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace backdrop::imaging {

struct ContactSheetRow {
  std::string title;                // product id and category
  std::string status;               // method and confidence, or the error
  bool failed = false;
  bool needs_attention = false;     // a mask a person must accept or repaint first
  cv::Mat photo;                    // CV_8UC3 thumbnail with the mask outlined (may be empty)
  std::vector<cv::Mat> placements;  // CV_8UC3 thumbnails, one per column (may be fewer)
};

// Splits a label (a status or error message) over at most `max_lines` lines of at most `width`
// pixels in the sheet's font at `size`: between words, so that numbers such as "0.98" stay whole;
// a word wider than a line is cut, after '_', '-' or '/' where it can be; the last line ends with
// "..." when text is left over.
std::vector<std::string> wrap_label(const std::string& text, int width, double size, size_t max_lines);

// The thumbnail the sheet shows for `image`, small enough to keep many rows in memory.
cv::Mat contact_sheet_thumbnail(const cv::Mat& image);

// The photo's thumbnail with the outline of `mask` (same size as `photo`) drawn on it.
cv::Mat outlined_thumbnail(const cv::Mat& photo, const cv::Mat& mask);

// CV_8UC3 sheet; `column_titles` name the placement columns.
cv::Mat render_contact_sheet(const std::vector<ContactSheetRow>& rows, const std::vector<std::string>& column_titles);

}  // namespace backdrop::imaging
