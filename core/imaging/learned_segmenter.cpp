#include "core/imaging/learned_segmenter.h"

#include <mutex>

#include <opencv2/imgproc.hpp>
#include <torch/script.h>
#include <torch/torch.h>

#include "core/imaging/image_error.h"

namespace backdrop::imaging {

struct LearnedSegmenter::Model {
  torch::jit::Module module;
  torch::Device device{torch::kCPU};
  std::mutex mutex;  // a TorchScript module is not safe to run from several threads at once
};

namespace {

// The same preprocessing as the ONNX route (salient_input_tensor), handed to torch.
torch::Tensor to_input(const cv::Mat& bgr, const InputConvention& convention, const torch::Device& device) {
  cv::Mat blob = salient_input_tensor(bgr, convention);
  return torch::from_blob(blob.ptr<float>(), {1, 3, convention.size, convention.size}, torch::kFloat32)
      .clone()
      .to(device);
}

torch::Tensor first_tensor(const torch::IValue& output) {
  if (output.isTensor()) return output.toTensor();
  if (output.isTuple() && !output.toTupleRef().elements().empty()) return first_tensor(output.toTupleRef().elements()[0]);
  if (output.isList() && output.toListRef().size() > 0) return first_tensor(output.toListRef()[0]);
  throw ImageError("learned segmenter: the model returned neither a tensor nor a tuple/list of tensors");
}

// A single-channel map in 0..1, whatever the model returned (logits or probabilities).
torch::Tensor foreground_map(const torch::Tensor& raw) {
  auto map = raw.to(torch::kCPU, torch::kFloat32).squeeze();
  if (map.dim() == 3) map = map[0];
  if (map.dim() != 2) throw ImageError("learned segmenter: expected a 1x1xHxW output, got " + std::to_string(raw.dim()) + " dimensions");
  if (map.min().item<float>() < 0.f || map.max().item<float>() > 1.f) map = torch::sigmoid(map);
  return map.contiguous();
}

}  // namespace

InputConvention LearnedSegmenterOptions::input_convention() const {
  if (convention) return *convention;
  InputConvention plain{input_size, {0, 0, 0}, {1, 1, 1}};
  return imagenet_normalise ? InputConvention{input_size} : plain;
}

LearnedSegmenter::LearnedSegmenter(const LearnedSegmenterOptions& options)
    : model_(std::make_unique<Model>()), options_(options) {
  if (options.input_convention().size < 32) throw ImageError("learned segmenter: input size must be at least 32");
  try {
    model_->device = torch::Device(options.device);
    model_->module = torch::jit::load(options.model.string(), model_->device);
    model_->module.eval();
  } catch (const c10::Error& error) {
    throw ImageError(options.model.string() + ": cannot load the TorchScript segmenter: " + error.what_without_backtrace());
  }
}

LearnedSegmenter::~LearnedSegmenter() = default;

Segmentation LearnedSegmenter::segment(const cv::Mat& bgr) const {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  torch::Tensor map;
  try {
    std::lock_guard lock(model_->mutex);
    torch::NoGradGuard no_grad;
    map = foreground_map(
        first_tensor(model_->module.forward({to_input(bgr, options_.input_convention(), model_->device)})));
  } catch (const c10::Error& error) {
    throw ImageError(options_.model.string() + ": the segmenter failed: " + error.what_without_backtrace());
  }
  const cv::Mat small(static_cast<int>(map.size(0)), static_cast<int>(map.size(1)), CV_32FC1, map.data_ptr<float>());
  cv::Mat probability;
  cv::resize(small, probability, bgr.size(), 0, 0, cv::INTER_LINEAR);

  Segmentation result;
  result.method = SegmentationMethod::Learned;
  probability.convertTo(result.alpha, CV_8UC1, 255.0);
  result.mask = result.alpha >= 128;
  // Decisiveness: a map that is mostly near 0 or 1 is one the model is sure about.
  cv::Mat certainty = cv::abs(probability * 2.0 - 1.0);
  result.confidence = cv::mean(certainty)[0];
  if (cv::countNonZero(result.mask) == 0) {
    result.needs_attention = true;
    result.note = "the learned segmenter found no product";
  }
  return result;
}

}  // namespace backdrop::imaging
