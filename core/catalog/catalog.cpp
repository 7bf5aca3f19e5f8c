#include "core/catalog/catalog.h"

#include <set>
#include <string>
#include <system_error>

#include "core/common/csv_reader.h"

namespace backdrop {
namespace {

struct ColumnIndices {
  std::size_t id, category, title, image;
};

ColumnIndices locate_columns(const CsvHeader& header, const CatalogColumns& columns, const std::string& origin) {
  return {header.require(columns.id, origin), header.require(columns.category, origin),
          header.require(columns.title, origin), header.require(columns.image, origin)};
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Why `image` cannot be used, or "". A path the system refuses (a name longer than the file
// system allows, found by fuzz_catalog_csv) is a row's problem like a missing file, never an
// exception that stops the import.
std::string image_problem(const std::filesystem::path& image) {
  std::error_code error;
  if (std::filesystem::is_regular_file(image, error)) return "";
  if (!error || error == std::errc::no_such_file_or_directory) return "does not exist";
  return "cannot be read (" + error.message() + ")";
}

}  // namespace

Catalog read_catalog_csv(const std::filesystem::path& csv, const CatalogColumns& columns) {
  Catalog catalog;
  catalog.source = csv;
  try {
    CsvReader reader(csv);
    std::vector<std::string> fields;
    if (!reader.next(fields)) throw CatalogError(csv.string() + ": the file is empty");
    const CsvHeader header(fields);
    const auto index = locate_columns(header, columns, csv.string());
    const auto folder = csv.parent_path();
    std::set<std::string> seen;

    while (reader.next(fields)) {
      const auto line = reader.record_line();
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      if (fields.size() != header.names().size()) {
        catalog.issues.push_back({line, "expected " + std::to_string(header.names().size()) + " fields, found " +
                                            std::to_string(fields.size())});
        continue;
      }
      Product product{trimmed(fields[index.id]), trimmed(fields[index.category]), trimmed(fields[index.title]),
                      trimmed(fields[index.image]), line};
      if (product.id.empty()) {
        catalog.issues.push_back({line, "empty " + columns.id});
        continue;
      }
      if (product.category.empty()) {  // would otherwise become a blank category
        catalog.issues.push_back({line, "product '" + product.id + "' has no " + columns.category});
        continue;
      }
      if (!seen.insert(product.id).second) {
        catalog.issues.push_back({line, "duplicate " + columns.id + " '" + product.id + "'"});
        continue;
      }
      if (product.image.empty()) {
        catalog.issues.push_back({line, "product '" + product.id + "' has no " + columns.image});
        continue;
      }
      if (product.image.is_relative()) product.image = folder / product.image;
      if (auto problem = image_problem(product.image); !problem.empty()) {
        catalog.issues.push_back({line, "product '" + product.id + "': image file '" + product.image.string() + "' " +
                                            problem});
        continue;
      }
      catalog.products.push_back(std::move(product));
    }
  } catch (const CsvError& error) {
    throw CatalogError(error.what());
  }
  return catalog;
}

}  // namespace backdrop
