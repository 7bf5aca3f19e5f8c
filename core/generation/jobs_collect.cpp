#include "core/generation/jobs_collect.h"

#include "core/generation/jobs_postgres_queue.h"
#include "core/store/project.h"

namespace backdrop {

int64_t collect_results(PostgresJobQueue& queue, Project& project,
                        const std::function<void(const StoredVariant&)>& on_added) {
  const auto results = queue.completed();
  auto variants = project.variants();
  Transaction transaction(project.database());
  std::vector<StoredVariant> added;
  for (const auto& result : results) {
    if (variants.find_by_key(result.variant_key)) continue;
    const auto inputs = variant_inputs_from_json(nlohmann::json::parse(result.inputs_json));
    StoredVariant variant;
    variant.variant_key = result.variant_key;
    variant.product_external_id = inputs.product_id;
    variant.prompt_id = inputs.prompt_id;
    variant.inputs_json = result.inputs_json;
    variant.image_path = result.image_path;
    variant.image_sha256 = result.image_sha256;
    variants.insert_or_get(variant);
    added.push_back(std::move(variant));
  }
  transaction.commit();
  if (on_added) {
    for (const auto& variant : added) on_added(variant);
  }
  return static_cast<int64_t>(added.size());
}

}  // namespace backdrop
