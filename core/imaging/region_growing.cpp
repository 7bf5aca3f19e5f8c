#include "core/imaging/region_growing.h"

#include <cmath>
#include <vector>

namespace backdrop::imaging {
namespace {

float step_between(const cv::Vec3f& a, const cv::Vec3f& b) {
  const cv::Vec3f d = a - b;
  return std::sqrt(d.dot(d));
}

}  // namespace

cv::Mat grow_background_from_border(const cv::Mat& lab, const cv::Mat& distance, const cv::Mat& walls,
                                    const GrowthLimits& limits) {
  CV_Assert(lab.type() == CV_32FC3 && distance.type() == CV_32FC1 && lab.size() == distance.size());
  CV_Assert(walls.type() == CV_8UC1 && walls.size() == lab.size());
  const int rows = lab.rows, cols = lab.cols;
  cv::Mat reached(lab.size(), CV_8UC1, cv::Scalar(0));
  std::vector<int> queue;
  queue.reserve(lab.total() / 2);

  auto seed = [&](int y, int x) {
    if (!reached.at<uint8_t>(y, x) && !walls.at<uint8_t>(y, x) && distance.at<float>(y, x) < limits.seed_distance) {
      reached.at<uint8_t>(y, x) = 255;
      queue.push_back(y * cols + x);
    }
  };
  for (int x = 0; x < cols; ++x) {
    seed(0, x);
    seed(rows - 1, x);
  }
  for (int y = 0; y < rows; ++y) {
    seed(y, 0);
    seed(y, cols - 1);
  }

  const int dy[4] = {-1, 1, 0, 0};
  const int dx[4] = {0, 0, -1, 1};
  for (size_t head = 0; head < queue.size(); ++head) {
    const int y = queue[head] / cols, x = queue[head] % cols;
    const cv::Vec3f& here = lab.at<cv::Vec3f>(y, x);
    for (int k = 0; k < 4; ++k) {
      const int ny = y + dy[k], nx = x + dx[k];
      if (ny < 0 || ny >= rows || nx < 0 || nx >= cols) continue;
      uint8_t& flag = reached.at<uint8_t>(ny, nx);
      if (flag || walls.at<uint8_t>(ny, nx) || distance.at<float>(ny, nx) >= limits.max_distance) continue;
      if (step_between(here, lab.at<cv::Vec3f>(ny, nx)) >= limits.max_step) continue;
      flag = 255;
      queue.push_back(ny * cols + nx);
    }
  }
  return reached;
}

}  // namespace backdrop::imaging
