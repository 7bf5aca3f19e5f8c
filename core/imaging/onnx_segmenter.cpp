#include "core/imaging/onnx_segmenter.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "core/imaging/antialiased_resize.h"
#include "core/imaging/image_error.h"
#include "core/imaging/mask_cleanup.h"
#include "core/imaging/onnx_model_info.h"

namespace backdrop::imaging {

struct OnnxSegmenter::Model {
  cv::dnn::Net net;
  std::string output;  // the layer whose output is the foreground map
  std::mutex mutex;    // a cv::dnn::Net is not safe to run from several threads at once
};

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(path.string() + ": cannot open the segmenter model");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw ImageError(path.string() + ": cannot read the segmenter model");
  return bytes;
}

// The input must be 1x3xHxW with H = W; returns the declared side, or 0 when it is free.
int declared_input_size(const OnnxTensorInfo& input, const std::string& origin) {
  const auto& s = input.shape;
  const bool fits = s.size() == 4 && (s[0] == 1 || s[0] < 0) && (s[1] == 3 || s[1] < 0) && s[2] == s[3];
  if (!fits) {
    throw ImageError(origin + ": wrong input shape " + shape_text(s) + " for '" + input.name +
                     "': a salient-object model takes one 1x3xSxS RGB image");
  }
  return s[2] > 0 ? static_cast<int>(s[2]) : 0;
}

// The output must be one map of the input's size: 1x1xSxS, 1xSxS or SxS (free sizes allowed).
void check_output_shape(const std::vector<int64_t>& shape, int size, const std::string& what) {
  auto fits = [&](int64_t dim, int64_t wanted) { return dim < 0 || dim == wanted; };
  bool ok = shape.size() >= 2 && shape.size() <= 4;
  for (size_t i = 0; ok && i + 2 < shape.size(); ++i) ok = fits(shape[i], 1);
  if (ok) ok = fits(shape[shape.size() - 2], size) && fits(shape[shape.size() - 1], size);
  if (!ok) {
    throw ImageError(what + ": wrong output shape " + shape_text(shape) + ": expected one foreground map 1x1x" +
                     std::to_string(size) + "x" + std::to_string(size));
  }
}

InputConvention resolve_convention(const OnnxSegmenterOptions& options, int declared, const std::string& origin) {
  InputConvention convention =
      options.preset == SegmenterPreset::Custom ? options.custom : preset_convention(options.preset);
  if (convention.size < 16) throw ImageError(origin + ": the segmenter input size must be at least 16");
  if (declared > 0 && declared != convention.size) {
    if (options.preset == SegmenterPreset::Custom) {
      throw ImageError(origin + ": wrong input shape: the model takes " + std::to_string(declared) + "x" +
                       std::to_string(declared) + " images, the custom preset gives " +
                       std::to_string(convention.size) + "x" + std::to_string(convention.size));
    }
    convention.size = declared;  // the preset's size is for models without a fixed size
  }
  for (int c = 0; c < 3; ++c) {
    if (!(convention.std[c] > 0)) throw ImageError(origin + ": the segmenter std must be positive");
  }
  return convention;
}

// OpenCV's error text on one line, without its "> " quoting.
std::string one_line(const std::string& text) {
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '>' && (i == 0 || text[i - 1] == '\n')) continue;
    line += text[i] == '\n' ? ' ' : text[i];
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  while (!line.empty() && line.front() == ' ') line.erase(line.begin());
  return line;
}

// A map in 0..1 whatever the model returned: logits go through a sigmoid, and a map whose top is
// a confident object is stretched to 0..1 as the reference code of U2-Net and RMBG does.
cv::Mat probability_map(const cv::Mat& raw, double threshold) {
  double low = 0, high = 0;
  cv::minMaxLoc(raw, &low, &high);
  cv::Mat map = raw.clone();
  if (low < 0 || high > 1) {
    cv::exp(-raw, map);
    map = 1.0 / (1.0 + map);
    cv::minMaxLoc(map, &low, &high);
  }
  if (high >= threshold && high - low > 1e-6) map = (map - low) / (high - low);
  return map;
}

// How decided the model is about the product and its surroundings (0.5 everywhere: 0, crisp: 1).
double decisiveness(const cv::Mat& probability, const cv::Mat& mask) {
  cv::Mat around;
  const int reach = std::max(3, std::max(mask.rows, mask.cols) / 20);
  cv::dilate(mask, around, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * reach + 1, 2 * reach + 1)));
  const cv::Mat certainty = cv::abs(probability * 2.0 - 1.0);
  return cv::countNonZero(around) == 0 ? 0.0 : cv::mean(certainty, around)[0];
}

}  // namespace

std::string preset_name(SegmenterPreset preset) {
  switch (preset) {
    case SegmenterPreset::U2Net:
      return "u2net";
    case SegmenterPreset::Rmbg:
      return "rmbg";
    case SegmenterPreset::Custom:
      return "custom";
  }
  return "u2net";
}

SegmenterPreset preset_from_name(const std::string& name) {
  for (auto preset : {SegmenterPreset::U2Net, SegmenterPreset::Rmbg, SegmenterPreset::Custom}) {
    if (name == preset_name(preset)) return preset;
  }
  throw ImageError("segmenter preset '" + name + "': expected u2net, rmbg or custom");
}

InputConvention preset_convention(SegmenterPreset preset) {
  if (preset == SegmenterPreset::Rmbg) return {1024, {0.5, 0.5, 0.5}, {1.0, 1.0, 1.0}};
  return {320, {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}};
}

cv::Mat salient_input_tensor(const cv::Mat& bgr, const InputConvention& convention) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  const cv::Mat resized = resize_antialiased_bilinear(rgb, cv::Size(convention.size, convention.size));
  const int shape[] = {1, 3, convention.size, convention.size};
  cv::Mat blob(4, shape, CV_32F);
  std::vector<cv::Mat> planes;
  cv::split(resized, planes);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(convention.size, convention.size, CV_32F, blob.ptr<float>(0, c));
    planes[static_cast<size_t>(c)].convertTo(plane, CV_32F, 1.0 / (255.0 * convention.std[c]),
                                             -convention.mean[c] / convention.std[c]);
  }
  return blob;
}

OnnxSegmenter::OnnxSegmenter(const OnnxSegmenterOptions& options)
    : model_(std::make_unique<Model>()), options_(options) {
  const std::string origin = options.model.string();
  const std::string bytes = read_file(options.model);
  const OnnxModelInfo info = read_onnx_model_info(bytes, origin);
  convention_ = resolve_convention(options, declared_input_size(info.inputs.front(), origin), origin);
  check_output_shape(info.outputs.front().shape, convention_.size, origin);
  try {
    model_->net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  } catch (const cv::Exception& error) {
    throw ImageError(origin +
                     ": OpenCV's dnn module cannot import the model (an unsupported operator or a "
                     "malformed graph): " +
                     one_line(error.err));
  }
  const auto unconnected = model_->net.getUnconnectedOutLayersNames();
  const std::string& wanted = info.outputs.front().name;
  if (std::find(unconnected.begin(), unconnected.end(), wanted) != unconnected.end()) model_->output = wanted;
}

OnnxSegmenter::~OnnxSegmenter() = default;

cv::Mat OnnxSegmenter::predict(const cv::Mat& blob) const {
  const int size = convention_.size;
  CV_Assert(blob.dims == 4 && blob.size[1] == 3 && blob.size[2] == size && blob.size[3] == size);
  cv::Mat output;
  try {
    std::lock_guard lock(model_->mutex);
    model_->net.setInput(blob);
    output = model_->output.empty() ? model_->net.forward() : model_->net.forward(model_->output);
  } catch (const cv::Exception& error) {
    throw ImageError(options_.model.string() + ": the segmenter failed to run: " + one_line(error.err));
  }
  std::vector<int64_t> shape;
  for (int i = 0; i < output.dims; ++i) shape.push_back(output.size[i]);
  check_output_shape(shape, size, options_.model.string());
  return cv::Mat(size, size, CV_32F, output.ptr<float>()).clone();
}

Segmentation OnnxSegmenter::segment(const cv::Mat& bgr) const {
  const cv::Mat small = probability_map(predict(salient_input_tensor(bgr, convention_)), options_.threshold);
  cv::Mat probability;
  cv::resize(small, probability, bgr.size(), 0, 0, cv::INTER_LINEAR);

  Segmentation result;
  result.method = SegmentationMethod::Learned;
  result.mask = remove_small_components(probability >= options_.threshold, 0.02);
  // The soft alpha follows the model, pinned to the cleaned mask (>= 128 exactly inside it).
  cv::Mat soft, inside;
  probability.convertTo(soft, CV_8UC1, 255.0);
  cv::min(soft, 127, result.alpha);
  cv::max(soft, 128, inside);
  inside.copyTo(result.alpha, result.mask);
  result.confidence = decisiveness(probability, result.mask);
  if (cv::countNonZero(result.mask) == 0) {
    result.needs_attention = true;
    result.note = "the learned segmenter found no product";
  }
  return result;
}

}  // namespace backdrop::imaging
