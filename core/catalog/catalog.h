#pragma once
// A product catalogue read from CSV: one row per product with its id, category, title and image.
// Bad rows never abort the import: each is reported with its line number and skipped.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace backdrop {

struct Product {
  std::string id;
  std::string category;
  std::string title;
  std::filesystem::path image;  // absolute, or relative to the working directory
  int64_t line = 0;             // where it came from in the CSV
};

struct CatalogIssue {
  int64_t line = 0;
  std::string message;
};

struct Catalog {
  std::filesystem::path source;
  std::vector<Product> products;
  std::vector<CatalogIssue> issues;  // rows that were skipped, and why
};

// Which CSV column holds which field; the defaults are the `catalog.csv` layout.
struct CatalogColumns {
  std::string id = "product_id";
  std::string category = "category";
  std::string title = "title";
  std::string image = "image";
};

class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a catalogue; image paths are resolved against the CSV's folder. Throws CatalogError when
// the file cannot be read at all or lacks a required column; row defects (empty id, duplicate id,
// missing image file, wrong field count) become issues.
Catalog read_catalog_csv(const std::filesystem::path& csv, const CatalogColumns& columns = {});

}  // namespace backdrop
