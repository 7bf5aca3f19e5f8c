#include "core/export/bundle_builder.h"

#include <opencv2/imgcodecs.hpp>

#include "core/common/version.h"
#include "core/export/bundle_tar.h"
#include "core/export/bundle_writer.h"
#include "core/export/experiment_images.h"
#include "core/store/project.h"
#include "core/store/sha256.h"

namespace backdrop::exporting {
namespace {

// The cached image, read once to re-encode it at the bundle's format and quality.
cv::Mat read_cached_image(const std::filesystem::path& file, int64_t variant_id) {
  cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
  if (image.empty())
    throw BundleError("variant " + std::to_string(variant_id) + ": cannot read the image " + file.string());
  return image;
}

CategoryBundle write_category_images(Project& project, const CategoryPlan& plan, const BundleOptions& options,
                                     BundleWriter& writer, Progress& done, const ProgressSink& progress,
                                     const CancellationToken& cancel, uint64_t& image_bytes) {
  CategoryBundle category;
  category.category = plan.category;
  category.arms = plan.arms;
  category.priors = plan.priors;
  category.priors_source = plan.priors_source;
  category.policy = options.policy;
  const auto extension = options.image_format == "jpeg" ? "jpg" : "webp";
  CanvasSizes canvases;
  for (const auto& image : plan.images) {
    cancel.throw_if_cancelled();
    const auto pixels = read_cached_image(project.cache_dir() / image.cache_path, image.variant_id);
    const auto bytes = encode_bundle_image(pixels, options, "variant " + std::to_string(image.variant_id));
    const auto path = writer.add_image(bytes, extension);
    category.images[image.product][image.arm_id][image.placement] = path;
    canvases.emplace(std::pair{image.product, image.placement}, pixels.size());
    image_bytes += bytes.size();
    ++done.done;
    done.message = plan.category + ": " + image.product;
    if (progress) progress(done);
  }
  if (plan.experiment) {
    done.message = plan.category + ": experiment " + plan.experiment->id;
    if (progress) progress(done);
    add_experiment_images(project, plan, options, canvases, writer, category, cancel, image_bytes);
  }
  return category;
}

}  // namespace

BuildResult build_bundle(Project& project, const BundleOptions& options, const std::filesystem::path& folder,
                         const std::filesystem::path& tar_file, const ProgressSink& progress,
                         const CancellationToken& cancel, bool record_export) {
  BuildResult result;
  result.plan = plan_bundle(project, options);
  result.folder = folder;
  result.tar_file = tar_file;
  if (!tar_file.empty() && std::filesystem::exists(tar_file)) throw BundleError(tar_file.string() + ": exists already");
  BundleWriter writer(folder);
  try {
    Progress done{0, result.plan.image_count() + 1, "encoding images"};
    if (progress) progress(done);
    for (const auto& plan : result.plan.categories) {
      writer.add_category(
          write_category_images(project, plan, options, writer, done, progress, cancel, result.image_bytes));
    }
    cancel.throw_if_cancelled();
    BundleManifest manifest;
    manifest.project = project.file().filename().string();
    manifest.engine_version = kEngineVersion;
    manifest.image_format = options.image_format;
    manifest.image_quality = options.image_quality;
    result.manifest = writer.finish(manifest);
    if (!tar_file.empty()) write_bundle_tar(folder, result.manifest.version, tar_file);
    cancel.throw_if_cancelled();
    ++done.done;
    done.message = "bundle " + result.manifest.version;
    if (progress) progress(done);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
    if (!tar_file.empty()) std::filesystem::remove(tar_file, ignored);
    throw;
  }
  if (record_export) record_bundle_export(project, result, folder.string());
  return result;
}

void record_bundle_export(Project& project, const BuildResult& result, const std::string& destination) {
  ExportRecord record;
  record.destination = destination;
  record.format = "bundle-" + result.manifest.image_format;
  record.variant_count = result.plan.image_count();
  record.manifest_sha256 = sha256_file_hex(result.folder / "manifest.json");
  record.engine_version = result.manifest.engine_version;
  project.exports().record(record);
}

}  // namespace backdrop::exporting
