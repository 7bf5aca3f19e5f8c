// Times segmentation + placement (1080x1080) + edge map for product photos resized to one
// megapixel, on a single thread, and prints the median per photo and per stage.
//
// Besides wall-clock times it reports this thread's CPU time, which stays meaningful on a
// machine shared with other work (the wall clock then mostly measures waiting).
//
// usage: bench_core_imaging [products folder] [repetitions]
// The folder defaults to $BACKDROP_PRODUCTS, else the shared data folder of the build.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_timing.h"
#include "core/imaging/compositing.h"
#include "core/imaging/edge_map.h"
#include "core/imaging/image_io.h"
#include "core/imaging/placement.h"
#include "core/imaging/plain_background_segmenter.h"

namespace {

using namespace backdrop::imaging;
using namespace backdrop::bench;

cv::Mat at_one_megapixel(const cv::Mat& bgr) {
  const double scale = std::sqrt(1.0e6 / bgr.total());
  cv::Mat out;
  cv::resize(bgr, out, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  const auto folder = products_folder(argc, argv);
  const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;

  std::vector<cv::Mat> photos;  // the plain-background JPEGs: the path that does the real work
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".jpg") photos.push_back(at_one_megapixel(load_image(entry.path()).bgr));
  }
  if (photos.empty()) {
    std::fprintf(stderr, "no .jpg photos in %s\n", folder.string().c_str());
    return 1;
  }

  const PlainBackgroundSegmenter segmenter;
  const Placement square{"square", 1080, 1080};
  const LayoutRule rule;
  std::vector<double> totals, cpu_totals, segmentation_times, placement_times, edge_times;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    for (const auto& photo : photos) {
      const double cpu_start = thread_cpu_milliseconds();
      const auto start = Clock::now();
      const Segmentation segmentation = segmenter.segment(photo);
      const double segmented = milliseconds_since(start);
      if (!segmentation.ok()) continue;  // not-plain photos stop early; they are not the workload
      const auto place_start = Clock::now();
      const PlacedProduct placed = place_product(photo, segmentation, square, rule);
      const double placed_ms = milliseconds_since(place_start);
      const auto edge_start = Clock::now();
      const cv::Mat edges = edge_map(placed.product, placed.mask);
      const double edge_ms = milliseconds_since(edge_start);
      segmentation_times.push_back(segmented);
      placement_times.push_back(placed_ms);
      edge_times.push_back(edge_ms);
      totals.push_back(segmented + placed_ms + edge_ms);
      cpu_totals.push_back(thread_cpu_milliseconds() - cpu_start);
    }
  }
  std::printf("photos: %zu at 1.0 MP (%zu timed runs), OpenCV threads: %d\n", photos.size(), totals.size(),
              cv::getNumThreads());
  std::printf("median ms  segmentation %.1f  placement %.1f  edge map %.1f  total %.1f (target < 60)\n",
              percentile(segmentation_times, 0.5), percentile(placement_times, 0.5), percentile(edge_times, 0.5),
              percentile(totals, 0.5));
  std::printf("90th percentile total %.1f ms\n", percentile(totals, 0.9));
  std::printf("thread CPU time per photo: median %.1f ms, 90th percentile %.1f ms\n", percentile(cpu_totals, 0.5),
              percentile(cpu_totals, 0.9));
  return 0;
}
