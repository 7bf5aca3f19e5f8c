// Times mask_from_box (the Studio's box tool) on the largest product photos, and on the largest
// one scaled to 12 megapixels like a camera original, with a box 8% inside each side. The Studio
// runs it on a worker thread; this says how long the user waits for the mask.
//
// usage: bench_mask_assist [products folder] [repetitions]
// The folder defaults to $BACKDROP_PRODUCTS, else the shared data folder of the build.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_timing.h"
#include "core/imaging/image_io.h"
#include "core/imaging/mask_assist.h"

namespace {

using namespace backdrop::imaging;
using namespace backdrop::bench;

constexpr size_t kLargest = 3;

// The photos with the most pixels, largest first, named by file.
std::vector<std::pair<std::string, cv::Mat>> largest_photos(const std::filesystem::path& folder) {
  std::vector<std::pair<std::string, cv::Mat>> photos;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".jpg")
      photos.emplace_back(entry.path().filename().string(), load_image(entry.path()).bgr);
  }
  std::sort(photos.begin(), photos.end(),
            [](const auto& a, const auto& b) { return a.second.total() > b.second.total(); });
  photos.resize(std::min(photos.size(), kLargest));
  if (!photos.empty()) {
    const double scale = std::sqrt(12.0e6 / photos.front().second.total());
    cv::Mat camera;
    cv::resize(photos.front().second, camera, cv::Size(), scale, scale, cv::INTER_CUBIC);
    photos.emplace_back(photos.front().first + " at 12 MP", camera);
  }
  return photos;
}

void time_photo(const std::string& name, const cv::Mat& bgr, int repetitions) {
  const cv::Rect box(bgr.cols * 8 / 100, bgr.rows * 8 / 100, bgr.cols * 84 / 100, bgr.rows * 84 / 100);
  std::vector<double> wall, cpu;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    const double cpu_start = thread_cpu_milliseconds();
    const auto start = Clock::now();
    const cv::Mat mask = mask_from_box(bgr, box);
    wall.push_back(milliseconds_since(start));
    cpu.push_back(thread_cpu_milliseconds() - cpu_start);
    if (cv::countNonZero(mask) == 0) std::printf("  (no product found in %s)\n", name.c_str());
  }
  std::printf("%-48s %5dx%-5d median %7.1f ms wall, %7.1f ms thread CPU\n", name.c_str(), bgr.cols, bgr.rows,
              percentile(wall, 0.5), percentile(cpu, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  const auto folder = products_folder(argc, argv);
  const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  const auto photos = largest_photos(folder);
  if (photos.empty()) {
    std::fprintf(stderr, "no .jpg photos in %s\n", folder.string().c_str());
    return 1;
  }
  std::printf("mask_from_box, box 8%% inside each side, OpenCV threads: %d, %d runs each\n", cv::getNumThreads(),
              repetitions);
  for (const auto& [name, bgr] : photos) time_photo(name, bgr, repetitions);
  return 0;
}
