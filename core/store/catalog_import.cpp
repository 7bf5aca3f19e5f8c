#include "core/store/catalog_import.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "core/store/project.h"
#include "core/store/sha256.h"

namespace backdrop {
namespace {

bool is_image_file(const std::filesystem::path& path) {
  static constexpr std::array<const char*, 7> kExtensions{".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"};
  auto extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end();
}

// Stores the products in one transaction; a product whose image cannot be read becomes an issue.
ImportReport store_products(Project& project, const std::vector<Product>& products, std::vector<CatalogIssue> issues,
                            const ProgressSink& progress) {
  ImportReport report;
  report.issues = std::move(issues);
  auto repository = project.products();
  Transaction transaction(project.database());
  int64_t done = 0;
  for (const auto& product : products) {
    StoredProduct stored{0,
                         product.id,
                         product.category,
                         product.title,
                         std::filesystem::absolute(product.image).lexically_normal().string(),
                         {},
                         product.line};
    try {
      stored.image_sha256 = sha256_file_hex(product.image);
    } catch (const StoreError& error) {
      report.issues.push_back({product.line, "product '" + product.id + "': " + error.what()});
      continue;
    }
    switch (repository.upsert(stored)) {
      case UpsertOutcome::added: ++report.added; break;
      case UpsertOutcome::updated: ++report.updated; break;
      case UpsertOutcome::unchanged: ++report.unchanged; break;
    }
    if (progress) progress({++done, static_cast<int64_t>(products.size()), product.id});
  }
  transaction.commit();
  std::stable_sort(report.issues.begin(), report.issues.end(),
                   [](const CatalogIssue& a, const CatalogIssue& b) { return a.line < b.line; });
  return report;
}

}  // namespace

ImportReport import_catalog_csv(Project& project, const std::filesystem::path& csv, const CatalogColumns& columns,
                                const ProgressSink& progress) {
  const auto catalog = read_catalog_csv(csv, columns);
  return store_products(project, catalog.products, catalog.issues, progress);
}

ImportReport import_image_folder(Project& project, const std::filesystem::path& folder, const std::string& category,
                                 const ProgressSink& progress) {
  if (!std::filesystem::is_directory(folder)) {
    throw StoreError(folder.string() + ": import images: not a folder");
  }
  // "shoes/" and "shoes" both name the category "shoes".
  const auto folder_name = (std::filesystem::absolute(folder) / "").lexically_normal().parent_path().filename();
  const auto category_name = category.empty() ? folder_name.string() : category;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Product> products;
  std::vector<CatalogIssue> issues;
  std::set<std::string> seen;
  for (const auto& file : files) {
    const auto id = file.stem().string();
    if (!seen.insert(id).second) {
      issues.push_back({0, file.string() + ": duplicate product id '" + id + "' (another file has the same name)"});
      continue;
    }
    products.push_back({id, category_name, id, file, 0});
  }
  return store_products(project, products, std::move(issues), progress);
}

}  // namespace backdrop
