#include "jobs_fixture.h"

#include <algorithm>
#include <fstream>

#include "core/generation/jobs_plan.h"
#include "core/store/catalog_import.h"
#include "core/store/project.h"

namespace backdrop::test {

std::filesystem::path make_job_project(const std::filesystem::path& folder, int products) {
  const auto file = folder / "p.backdrop";
  auto project = Project::create(file);
  // One small placement instead of the seeded ad placements: the jobs tests count variants per product.
  project.placements().save({0, "tiny", 32, 32});
  for (const auto& placement : project.placements().list()) {
    if (placement.name != "tiny") project.placements().remove(placement.name);
  }
  std::ofstream csv(folder / "catalog.csv");
  csv << "product_id,category,title,image\n";
  for (int i = 0; i < products; ++i) {
    const auto id = "p" + std::to_string(i);
    std::ofstream(folder / (id + ".jpg")) << "fake image " << i;
    csv << id << "," << (i % 2 ? "bags" : "shoes") << ",Product " << i << "," << id << ".jpg\n";
  }
  csv.close();
  import_catalog_csv(project, folder / "catalog.csv");
  return file;
}

std::vector<VariantInputs> plan_job(const std::filesystem::path& project_file, int seeds) {
  auto project = Project::open(project_file);
  GenerationSettings settings;
  settings.seeds = seeds;
  return plan_variants(project, settings);
}

std::vector<std::string> cache_files(const std::filesystem::path& cache_dir) {
  std::vector<std::string> files;
  if (!std::filesystem::exists(cache_dir)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(cache_dir)) {
    if (entry.is_regular_file()) files.push_back(std::filesystem::relative(entry.path(), cache_dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace backdrop::test
