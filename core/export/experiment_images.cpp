#include "core/export/experiment_images.h"

#include <fstream>
#include <iterator>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/export/bundle_paths.h"
#include "core/export/bundle_reader.h"
#include "core/imaging/compositing.h"
#include "core/imaging/image_error.h"
#include "core/imaging/image_io.h"
#include "core/imaging/product_segmentation.h"
#include "core/store/project.h"

namespace backdrop::exporting {
namespace {

using experiment::GroupKind;

// The catalogue photo of `product`; a relative path is taken from the project file's folder.
imaging::LoadedImage product_photo(Project& project, const std::string& product) {
  const auto stored = project.products().find(product);
  if (!stored || stored->image_path.empty()) throw imaging::ImageError("no catalogue photo");
  std::filesystem::path path = stored->image_path;
  if (path.is_relative() && !std::filesystem::exists(path)) path = project.file().parent_path() / path;
  return imaging::load_image(path);
}

imaging::Segmentation whole_photo(const cv::Mat& photo) {
  return imaging::segment_from_alpha(cv::Mat(photo.size(), CV_8UC1, cv::Scalar(255)));
}

imaging::Segmentation cut_out(Project& project, const std::string& product, const imaging::LoadedImage& photo) {
  auto segmentation = imaging::segment_with_saved_mask(photo, imaging::product_mask_path(project.cache_dir(), product));
  if (!segmentation.ok()) {
    throw imaging::ImageError("cannot cut the product out (" +
                              (segmentation.note.empty() ? std::string("no usable mask") : segmentation.note) +
                              "); draw its mask in Studio or use the kind 'original'");
  }
  return segmentation;
}

// One image per shipped (product, placement) for an original or white group.
ProductImages baseline_images(Project& project, const experiment::ExperimentGroup& group, const CategoryPlan& plan,
                              const BundleOptions& options, const CanvasSizes& canvases, BundleWriter& writer,
                              const CancellationToken& cancel, uint64_t& image_bytes) {
  const auto rules = imaging::installed_layout_rules();
  const auto& rule = rules.for_category(plan.category);
  const auto key = std::string(experiment::kind_name(group.kind));
  const auto extension = options.image_format == "jpeg" ? "jpg" : "webp";
  ProductImages images;
  std::string loaded_product;
  imaging::LoadedImage photo;
  imaging::Segmentation segmentation;
  for (const auto& [slot, size] : canvases) {  // sorted by product: each photo is cut out once
    cancel.throw_if_cancelled();
    const auto& [product, placement] = slot;
    const auto what = "experiment group '" + group.name + "': product '" + product + "'";
    try {
      if (product != loaded_product) {
        photo = product_photo(project, product);
        segmentation = group.kind == GroupKind::white ? cut_out(project, product, photo) : whole_photo(photo.bgr);
        loaded_product = product;
      }
      const auto canvas = baseline_canvas(photo.bgr, segmentation, {placement, size.width, size.height}, rule);
      const auto bytes = encode_bundle_image(canvas, options, what);
      images[product][key][placement] = writer.add_image(bytes, extension);
      image_bytes += bytes.size();
    } catch (const imaging::ImageError& error) {
      throw BundleError(what + ": " + error.what());
    }
  }
  return images;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The earlier version's images of the category, for the products that ship now.
ProductImages previous_images(const experiment::ExperimentGroup& group, const CategoryPlan& plan,
                              const BundleOptions& options, const CanvasSizes& canvases, BundleWriter& writer,
                              const CancellationToken& cancel, uint64_t& image_bytes) {
  const auto what = "experiment group '" + group.name + "': bundle '" + group.bundle + "'";
  if (!is_valid_version_name(group.bundle)) throw BundleError(what + ": not a valid version name");
  if (options.previous_versions.empty()) throw BundleError(what + ": no publish target to take it from");
  const auto folder = options.previous_versions / group.bundle;
  if (!std::filesystem::is_directory(folder))
    throw BundleError(what + ": not kept in " + options.previous_versions.string());
  const auto previous = load_bundle(folder);
  const auto category = previous.categories.find(plan.category);
  if (category == previous.categories.end()) throw BundleError(what + ": has no category '" + plan.category + "'");
  ProductImages images;
  for (const auto& [product, arms] : category->second.images) {
    const auto ships = canvases.lower_bound({product, std::string()});
    if (ships == canvases.end() || ships->first.first != product) continue;
    for (const auto& [arm, placements] : arms) {
      for (const auto& [placement, path] : placements) {
        cancel.throw_if_cancelled();
        const auto bytes = read_bytes(resolve_bundle_file(previous.root, path));
        images[product][arm][placement] =
            writer.add_image(bytes, std::filesystem::path(path).extension().string().substr(1));
        image_bytes += bytes.size();
      }
    }
  }
  if (images.empty()) throw BundleError(what + ": has no images of the products that ship in '" + plan.category + "'");
  return images;
}

}  // namespace

cv::Mat baseline_canvas(const cv::Mat& photo, const imaging::Segmentation& segmentation,
                        const imaging::Placement& placement, const imaging::LayoutRule& rule) {
  const auto placed = imaging::place_product(photo, segmentation, placement, rule);
  const cv::Mat white(placed.product.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  return imaging::composite_product(placed, white);
}

std::string encode_bundle_image(const cv::Mat& image, const BundleOptions& options, const std::string& what) {
  const bool jpeg = options.image_format == "jpeg";
  const std::vector<int> parameters{jpeg ? cv::IMWRITE_JPEG_QUALITY : cv::IMWRITE_WEBP_QUALITY, options.image_quality};
  std::vector<uchar> bytes;
  if (!cv::imencode(jpeg ? ".jpg" : ".webp", image, bytes, parameters)) {
    throw BundleError(what + ": cannot encode the image as " + options.image_format);
  }
  return {bytes.begin(), bytes.end()};
}

void add_experiment_images(Project& project, const CategoryPlan& plan, const BundleOptions& options,
                           const CanvasSizes& canvases, BundleWriter& writer, CategoryBundle& category,
                           const CancellationToken& cancel, uint64_t& image_bytes) {
  if (!plan.experiment) return;
  category.experiment = plan.experiment;
  for (const auto& group : plan.experiment->groups) {
    switch (group.kind) {
      case GroupKind::original:
      case GroupKind::white:
        category.group_images[group.name] =
            baseline_images(project, group, plan, options, canvases, writer, cancel, image_bytes);
        break;
      case GroupKind::previous_bundle:
        category.group_images[group.name] =
            previous_images(group, plan, options, canvases, writer, cancel, image_bytes);
        break;
      case GroupKind::random_prompt:
      case GroupKind::personalised:
        break;
    }
  }
}

}  // namespace backdrop::exporting
