// Parity of the ONNX segmenter with the fixture in BACKDROP_SEGMENTATION_FIXTURES (default
// ../shared/fixtures/segmentation): the model's output on the stored input tensors, our own
// preprocessing of the photos against those tensors, and the errors for files a salient-object
// segmenter cannot use (written by the test: a text file, a model with a wrong output shape, one
// with an operator OpenCV does not have, a custom size the model does not take).

#include <QtTest>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/onnx_segmenter.h"
#include "models/loaders/safetensors.h"
#include "support/onnx_builder.h"
#include "support/test_data.h"

using namespace backdrop;
using namespace backdrop::imaging;

namespace {

std::filesystem::path fixtures() {
  return test::segmentation_fixtures();
}

nlohmann::json expected_json() {
  std::ifstream in(fixtures() / "expected.json");
  return nlohmann::json::parse(in);
}

std::filesystem::path model_file() {
  return fixtures() / expected_json().at("model").get<std::string>();
}

const float* floats(const models::SafetensorsFile& file, const std::string& name, int64_t count) {
  const auto& tensor = file.tensor(name);
  if (tensor.dtype != models::DType::F32 || tensor.numel() != count) {
    throw std::runtime_error(name + ": expected " + std::to_string(count) + " float32 values");
  }
  return reinterpret_cast<const float*>(tensor.bytes.data());
}

std::filesystem::path scratch() {
  return test::scratch_dir("onnx-segmenter-" + std::to_string(getpid()));
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The error text of building a segmenter; empty when it builds.
std::string load_error(const OnnxSegmenterOptions& options) {
  try {
    OnnxSegmenter segmenter(options);
  } catch (const ImageError& error) {
    return error.what();
  }
  return {};
}

OnnxSegmenterOptions options_for(const std::filesystem::path& model, SegmenterPreset preset = SegmenterPreset::U2Net) {
  OnnxSegmenterOptions options;
  options.model = model;
  options.preset = preset;
  return options;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

class OnnxSegmenterTest : public QObject {
  Q_OBJECT

 private slots:
  void outputOnStoredInputMatches() {
    const auto expected = expected_json();
    const auto tensors = models::SafetensorsFile::open(fixtures() / "expected.safetensors");
    for (const auto& [preset, convention] : expected.at("presets").items()) {
      const OnnxSegmenter segmenter(options_for(model_file(), preset_from_name(preset)));
      const int size = segmenter.convention().size;
      QCOMPARE(size, expected.at("input_size")[0].get<int>());  // the model's declared size wins
      for (size_t i = 0; i < expected.at("photos").size(); ++i) {
        const std::string key = "photo" + std::to_string(i) + "." + preset;
        const int shape[] = {1, 3, size, size};
        const cv::Mat input(4, shape, CV_32F, const_cast<float*>(floats(*tensors, key + ".input", 3 * size * size)));
        const cv::Mat want(size, size, CV_32F, const_cast<float*>(floats(*tensors, key + ".mask", size * size)));
        const double worst = cv::norm(segmenter.predict(input), want, cv::NORM_INF);
        std::printf("%s: largest output difference %.3g\n", key.c_str(), worst);
        QVERIFY2(worst <= 1e-5, key.c_str());
      }
    }
  }

  void preprocessingMatchesStoredInput() {
    const auto expected = expected_json();
    const auto tensors = models::SafetensorsFile::open(fixtures() / "expected.safetensors");
    for (const auto& [preset, convention] : expected.at("presets").items()) {
      const OnnxSegmenter segmenter(options_for(model_file(), preset_from_name(preset)));
      const InputConvention& used = segmenter.convention();
      const int size = used.size;
      for (size_t i = 0; i < expected.at("photos").size(); ++i) {
        const std::string key = "photo" + std::to_string(i) + "." + preset;
        const auto photo = load_image(test::product_data() / expected.at("photos")[i].get<std::string>());
        const cv::Mat ours = salient_input_tensor(photo.bgr, used);
        const float* want = floats(*tensors, key + ".input", 3 * size * size);
        double worst = 0;  // on the photo's 0..1 scale, before the division by std
        for (int c = 0; c < 3; ++c) {
          QCOMPARE(used.mean[c], convention.at("mean")[c].get<double>());
          QCOMPARE(used.std[c], convention.at("std")[c].get<double>());
          for (int p = 0; p < size * size; ++p) {
            const double difference = ours.ptr<float>(0, c)[p] - want[c * size * size + p];
            worst = std::max(worst, std::abs(difference) * used.std[c]);
          }
        }
        std::printf("%s: largest input difference %.2f/255\n", key.c_str(), worst * 255);
        QVERIFY2(worst <= 2.0 / 255, key.c_str());
      }
    }
  }

  void segmentsAPhotoAtItsSize() {
    const OnnxSegmenter segmenter(options_for(model_file(), SegmenterPreset::U2Net));
    const auto photo = load_image(test::product_data() / expected_json().at("photos")[0].get<std::string>());
    const auto result = segmenter.segment(photo.bgr);
    QCOMPARE(result.method, SegmentationMethod::Learned);
    QCOMPARE(result.alpha.size(), photo.bgr.size());
    QCOMPARE(result.mask.size(), photo.bgr.size());
    QCOMPARE(cv::countNonZero(result.mask != (result.alpha >= 128)), 0);
  }

  void aFileThatIsNotOnnxIsAClearError() {
    const auto file = scratch() / "notes.onnx";
    write_bytes(file, "this is a text file, not a model\n");
    const auto error = load_error(options_for(file));
    QVERIFY2(contains(error, file.string()) && contains(error, "not an ONNX model"), error.c_str());
    const auto missing = load_error(options_for(scratch() / "missing.onnx"));
    QVERIFY2(contains(missing, "missing.onnx: cannot open"), missing.c_str());
  }

  void aWrongOutputShapeIsAClearError() {
    const auto file = scratch() / "three_channels.onnx";
    write_bytes(file, test::onnx_single_node_model("Identity", {1, 3, 64, 64}, {1, 3, 64, 64}));
    const auto error = load_error(options_for(file));
    QVERIFY2(contains(error, file.string()) && contains(error, "wrong output shape 1x3x64x64"), error.c_str());
  }

  void aWrongInputShapeIsAClearError() {
    const auto file = scratch() / "grey.onnx";
    write_bytes(file, test::onnx_single_node_model("Identity", {1, 1, 64, 64}, {1, 1, 64, 64}));
    const auto error = load_error(options_for(file));
    QVERIFY2(contains(error, file.string()) && contains(error, "wrong input shape 1x1x64x64"), error.c_str());

    OnnxSegmenterOptions custom = options_for(model_file(), SegmenterPreset::Custom);
    custom.custom.size = 64;  // the fixture model declares another size
    const auto mismatch = load_error(custom);
    QVERIFY2(contains(mismatch, model_file().string()) && contains(mismatch, "the custom preset gives 64x64"),
             mismatch.c_str());
  }

  void anUnsupportedOperatorIsAClearError() {
    const auto file = scratch() / "exotic.onnx";
    write_bytes(file, test::onnx_single_node_model("NoSuchOperator", {1, 3, 64, 64}, {1, 1, 64, 64}));
    const auto error = load_error(options_for(file));
    QVERIFY2(contains(error, file.string()) && contains(error, "cannot import") && contains(error, "NoSuchOperator"),
             error.c_str());
  }

  void aModelWithAFreeSizeRunsAtThePresetSize() {
    // A 1x1 convolution averaging the channels: a 1x1xSxS map from any 1x3xSxS input.
    const auto file = scratch() / "free_size.onnx";
    const test::OnnxWeight average{"weight", {1, 3, 1, 1}, {1.f / 3, 1.f / 3, 1.f / 3}};
    write_bytes(file, test::onnx_single_node_model("Conv", {1, 3, -1, -1}, {1, 1, -1, -1}, {average},
                                                   {test::onnx_ints_attribute("kernel_shape", {1, 1})}));
    QCOMPARE(OnnxSegmenter(options_for(file, SegmenterPreset::U2Net)).convention().size, 320);
    QCOMPARE(OnnxSegmenter(options_for(file, SegmenterPreset::Rmbg)).convention().size, 1024);
    OnnxSegmenterOptions custom = options_for(file, SegmenterPreset::Custom);
    custom.custom = {48, {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}};  // a bright square is > 0, a black plate < 0
    const OnnxSegmenter segmenter(custom);
    QCOMPARE(segmenter.convention().size, 48);
    cv::Mat photo(90, 120, CV_8UC3, cv::Scalar(0, 0, 0));
    photo(cv::Rect(30, 20, 60, 50)).setTo(cv::Scalar(255, 255, 255));
    const auto result = segmenter.segment(photo);
    QCOMPARE(result.mask.size(), photo.size());
    QVERIFY(result.mask.at<uint8_t>(45, 60) != 0);
    QVERIFY(result.mask.at<uint8_t>(5, 5) == 0);
    QVERIFY(std::abs(cv::countNonZero(result.mask) - 60 * 50) < 0.15 * 60 * 50);
  }
};

QTEST_APPLESS_MAIN(OnnxSegmenterTest)
#include "onnx_segmenter_test.moc"
