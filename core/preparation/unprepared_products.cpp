#include "core/preparation/unprepared_products.h"

#include "core/imaging/image_io.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/imaging/product_segmentation.h"
#include "core/imaging/segmenter_factory.h"
#include "core/preparation/project_segmentation.h"
#include "core/store/project.h"

namespace backdrop {

std::vector<std::string> unprepared_products(Project& project) {
  const auto verdicts = project.masks().list();
  const auto cache = project.cache_dir();
  std::vector<std::string> unprepared;
  for (const auto& product : project.products().list()) {
    if (verdicts.contains(product.external_id)) continue;
    // A product without a photo has nothing to cut out or to judge (its images came from
    // elsewhere, e.g. imported variants); there is no mask to hold back.
    if (product.image_path.empty()) continue;
    std::error_code error;
    if (std::filesystem::exists(imaging::product_mask_path(cache, product.external_id), error)) continue;
    unprepared.push_back(product.external_id);
  }
  return unprepared;
}

MaskVerdict prepare_product(const std::filesystem::path& photo, const std::filesystem::path& mask_file,
                            const std::string& product, const imaging::Segmenter* learned,
                            double confidence_threshold) {
  MaskVerdict verdict{product, imaging::method_name(imaging::SegmentationMethod::None), 0, {}, true};
  try {
    const auto image = imaging::load_image(photo);
    const imaging::PlainBackgroundSegmenter plain;
    const auto segmentation = imaging::segment_product(image, {&plain, learned, {}, confidence_threshold});
    verdict.method = imaging::method_name(segmentation.method);
    verdict.confidence = segmentation.confidence;
    verdict.reasons = segmentation.reasons;
    if (segmentation.mask.empty()) {
      verdict.reasons.push_back(segmentation.note.empty() ? std::string("no product found") : segmentation.note);
      return verdict;
    }
    std::filesystem::create_directories(mask_file.parent_path());
    imaging::write_image(mask_file, segmentation.mask);
    verdict.needs_attention = segmentation.needs_attention;
  } catch (const std::exception& error) {
    verdict.reasons.push_back(std::string("cannot be prepared: ") + error.what());
  }
  return verdict;
}

size_t prepare_unprepared_products(Project& project, const ProgressSink& progress, const CancellationToken& cancel) {
  const auto unprepared = unprepared_products(project);
  if (unprepared.empty()) return 0;
  const auto settings = resolve_segmenter_settings(project);
  std::unique_ptr<imaging::Segmenter> learned;
  try {
    learned = imaging::open_learned_segmenter(settings);
  } catch (const std::exception&) {
    // The classical segmenter still runs, as in Prepare; its verdicts say how sure it is.
  }
  const auto cache = project.cache_dir();
  const auto total = static_cast<int64_t>(unprepared.size());
  int64_t done = 0;
  for (const auto& id : unprepared) {
    cancel.throw_if_cancelled();  // the verdicts recorded so far are kept; the rest stay unprepared
    if (progress) progress({done++, total, "preparing " + id});
    const auto product = project.products().find(id);
    if (!product) continue;
    record_verdict(project, prepare_product(product->image_path, imaging::product_mask_path(cache, id), id, learned.get(),
                                            settings.confidence_threshold));
  }
  return unprepared.size();
}

}  // namespace backdrop
