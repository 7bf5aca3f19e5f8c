#include "core/rendering/catalog_variants.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "core/backgrounds/variant_png_record.h"
#include "core/imaging/colour_names.h"
#include "core/imaging/colour_spec.h"
#include "core/imaging/contact_sheet.h"
#include "core/imaging/image_io.h"
#include "core/imaging/plain_background_segmenter.h"
#include "core/imaging/product_segmentation.h"
#include "core/rendering/variant_rendering.h"

namespace backdrop {
namespace {

namespace fs = std::filesystem;
using backgrounds::PromptTemplate;

// A file name part: the colour's hex digits, or "plain" without a colour.
std::string colour_tag(const std::string& colour) {
  return colour.empty() ? "plain" : colour.substr(1);
}

// variants.json's entry: the PNG's record, the file and the stage times.
nlohmann::json record_json(const VariantRecord& v) {
  auto json = to_json(static_cast<const backgrounds::VariantProvenance&>(v));
  json["file"] = v.file.string();
  json["seconds"] = {{"preparation", v.times.preparation},
                     {"encoding", v.times.encoding},
                     {"denoising", v.times.denoising},
                     {"decoding", v.times.decoding},
                     {"scoring", v.times.scoring}};
  return json;
}

struct PreparedProduct {
  imaging::LoadedImage image;
  imaging::Segmentation segmentation;
};

PreparedProduct prepare(const Product& product, const VariantOptions& options,
                        const imaging::PlainBackgroundSegmenter& plain) {
  PreparedProduct prepared{imaging::load_image(product.image), {}};
  prepared.segmentation =
      imaging::segment_product(prepared.image, {&plain, options.learned, {}, options.confidence_threshold});
  const auto& segmentation = prepared.segmentation;
  if (!segmentation.ok()) {
    std::string why = segmentation.note;
    for (const auto& reason : segmentation.reasons) why += (why.empty() ? "" : "; ") + reason;
    throw std::runtime_error(
        std::string(segmentation.mask.empty() ? "no usable product mask" : "the mask needs attention") + " (" + why +
        ")");
  }
  return prepared;
}

// A colour a product's variants are made in: "#rrggbb" (empty: none) and its contact sheet label.
struct ColourChoice {
  std::string hex;
  std::string label;  // by specification: a palette's colours differ per product
};

std::vector<ColourChoice> colour_choices(const VariantOptions& options, const PreparedProduct& prepared) {
  std::vector<ColourChoice> choices;
  for (const auto& text : options.colours) {
    const auto spec = imaging::parse_colour_spec(text);
    if (spec.kind == imaging::ColourSpec::Kind::none) {
      choices.push_back({"", "no colour"});
      continue;
    }
    int nth = 0;
    for (const auto& colour : imaging::resolve_colour_spec(spec, prepared.image.bgr, prepared.segmentation.mask)) {
      const bool palette = spec.kind == imaging::ColourSpec::Kind::palette;
      choices.push_back({imaging::hex_colour(colour.bgr), palette ? "palette " + std::to_string(++nth) : colour.name});
    }
  }
  return choices;
}

class VariantRun {
 public:
  VariantRun(const VariantOptions& options, const backgrounds::BackgroundGenerator& generator,
             const backgrounds::StepCallback& on_step, const CancellationToken& cancellation)
      : options_(options), generator_(generator), on_step_(on_step), cancellation_(cancellation) {}

  void product_variants(const Product& product, const PreparedProduct& prepared, VariantRunSummary& summary,
                        imaging::ContactSheetRow& row, const std::function<void()>& variant_done) {
    const auto colours = colour_choices(options_, prepared);
    auto templates = options_.prompts.for_category(product.category);
    if (options_.prompts_per_product > 0 && templates.size() > static_cast<std::size_t>(options_.prompts_per_product)) {
      templates.resize(static_cast<std::size_t>(options_.prompts_per_product));
    }
    std::vector<std::string> titles;
    for (const auto& placement : options_.placements) {
      const auto& rule = options_.layout.for_category(product.category);
      const auto placed = imaging::place_product(prepared.image.bgr, prepared.segmentation, placement, rule);
      const fs::path dir = options_.out_dir / product.id / placement.id;
      imaging::write_image(dir / "product.png", placed.product);
      imaging::write_image(dir / "mask.png", placed.mask);
      for (std::size_t p = 0; p < templates.size(); ++p) {
        for (const auto& colour : colours) {
          for (const auto seed : options_.seeds) {
            auto inputs = variant_inputs(product, placement, rule, templates[p], colour.hex, seed);
            cv::Mat thumbnail;
            auto record = make_variant(inputs, placed, templates[p].id, dir, thumbnail);
            row.placements.push_back(std::move(thumbnail));
            titles.push_back(column_title(placement.id, templates.size() > 1 ? p + 1 : 0, colour.label, seed));
            summary.variants.push_back(std::move(record));
            variant_done();
          }
        }
      }
    }
    if (titles.size() > column_titles_.size()) column_titles_ = std::move(titles);
  }

  // The contact sheet's column titles: those of the product with the most variants.
  const std::vector<std::string>& column_titles() const { return column_titles_; }

 private:
  // "square, palette 1, seed 3": the contact sheet's fonts are ASCII only. `prompt` 0: one prompt.
  std::string column_title(const std::string& placement, std::size_t prompt, const std::string& colour,
                           uint64_t seed) const {
    std::string title = placement;
    if (prompt > 0) title += ", prompt " + std::to_string(prompt);
    title += ", " + colour;
    if (options_.seeds.size() > 1) title += ", seed " + std::to_string(seed);
    return title;
  }

  // What paint_variant() needs of a catalogue folder's variant. No edge thresholds: a catalogue
  // folder has no tuned ones, so each product's median chooses.
  VariantInputs variant_inputs(const Product& product, const imaging::Placement& placement,
                               const imaging::LayoutRule& rule, const PromptTemplate& prompt, const std::string& colour,
                               uint64_t seed) const {
    auto inputs = make_variant_inputs();
    inputs.product_id = product.id;
    inputs.product_image_path = product.image.string();
    inputs.product_category = product.category;
    inputs.product_title = product.title;
    inputs.placement = {0, placement.id, placement.width, placement.height, placement.position};
    inputs.layout = rule;
    inputs.prompt = prompt.prompt;
    inputs.negative_prompt = prompt.negative_prompt;
    inputs.colour = colour;
    inputs.seed = seed;
    return inputs;
  }

  // Paints the variant, writes its images and returns its record; `thumbnail` gets the contact
  // sheet's cell.
  VariantRecord make_variant(const VariantInputs& inputs, const imaging::PlacedProduct& placed,
                             const std::string& prompt_id, const fs::path& dir, cv::Mat& thumbnail) {
    auto painted = paint_variant(generator_, inputs, placed, on_step_, cancellation_);
    VariantRecord record;
    static_cast<backgrounds::VariantProvenance&>(record) = std::move(painted.made);
    record.prompt_id = prompt_id;  // the prompt library's id (a project's prompts have row ids)
    record.times = painted.times;
    const auto stem = prompt_id + "-" + colour_tag(inputs.colour) + "-s" + std::to_string(inputs.seed);
    record.file = dir / (stem + ".png");
    backgrounds::write_variant_png(record.file, painted.image, record);
    imaging::write_image(dir / (stem + ".generated.png"), painted.generated);
    thumbnail = imaging::contact_sheet_thumbnail(painted.image);
    return record;
  }

  const VariantOptions& options_;
  const backgrounds::BackgroundGenerator& generator_;
  const backgrounds::StepCallback& on_step_;
  const CancellationToken& cancellation_;
  std::vector<std::string> column_titles_;
};

int64_t variants_per_product(const VariantOptions& options) {
  // Palette colours count as their number; an estimate for the progress total.
  int64_t colours = 0;
  for (const auto& spec : options.colours) {
    colours += static_cast<int64_t>(imaging::parse_colour_spec(spec).count);
  }
  const int64_t prompts = options.prompts_per_product > 0 ? options.prompts_per_product : 1;
  return static_cast<int64_t>(options.placements.size()) * prompts * colours *
         static_cast<int64_t>(options.seeds.size());
}

}  // namespace

size_t VariantRunSummary::flagged() const {
  return static_cast<size_t>(
      std::count_if(variants.begin(), variants.end(), [](const VariantRecord& v) { return v.artifacts.flagged; }));
}

VariantRunSummary generate_background_variants(const std::vector<Product>& products, const VariantOptions& options,
                                               const backgrounds::BackgroundGenerator& generator,
                                               const ProgressSink& progress, const backgrounds::StepCallback& on_step,
                                               const CancellationToken& cancellation) {
  if (options.placements.empty()) throw std::invalid_argument("generate: no placements");
  if (options.seeds.empty()) throw std::invalid_argument("generate: no seeds");
  VariantRunSummary summary;
  summary.generator = generator.name();
  const imaging::PlainBackgroundSegmenter plain;
  VariantRun run(options, generator, on_step, cancellation);
  std::vector<imaging::ContactSheetRow> rows;
  Progress state{0, static_cast<int64_t>(products.size()) * variants_per_product(options), "generating"};
  for (const auto& product : products) {
    cancellation.throw_if_cancelled();
    imaging::ContactSheetRow row;
    row.title = product.id + "  " + product.category;
    try {
      const auto prepared = prepare(product, options, plain);
      row.photo = imaging::outlined_thumbnail(prepared.image.bgr, prepared.segmentation.mask);
      run.product_variants(product, prepared, summary, row, [&] {
        ++state.done;
        state.total = std::max(state.total, state.done);  // palette colours may outnumber the estimate
        state.message = product.id;
        if (progress) progress(state);
        cancellation.throw_if_cancelled();
      });
      row.status = generator.name();
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& error) {
      row.failed = true;
      row.status = error.what();
      summary.failed_products.emplace_back(product.id, error.what());
    }
    rows.push_back(std::move(row));
  }

  nlohmann::json variants = nlohmann::json::array();
  for (const auto& v : summary.variants) variants.push_back(record_json(v));
  fs::create_directories(options.out_dir);
  std::ofstream(options.out_dir / "variants.json")
      << nlohmann::json{{"generator", summary.generator}, {"variants", variants}}.dump(1) << "\n";
  std::size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.placements.size());
  auto titles = run.column_titles();
  for (std::size_t i = titles.size(); i < columns; ++i) titles.push_back("variant " + std::to_string(i + 1));
  summary.contact_sheet_columns = titles;
  summary.contact_sheet = options.out_dir / "contact_sheet.png";
  imaging::write_image(summary.contact_sheet, imaging::render_contact_sheet(rows, titles));
  return summary;
}

}  // namespace backdrop
