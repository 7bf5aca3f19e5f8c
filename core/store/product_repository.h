#pragma once
// Products and their categories in a project file. Products are keyed by the catalogue's own id
// (`external_id`), so a re-import updates rows in place and keeps the variants and reviews that
// point at them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

struct StoredProduct {
  int64_t id = 0;           // row id; 0 until stored
  std::string external_id;  // the catalogue's product id
  std::string category;
  std::string title;
  std::string image_path;
  std::string image_sha256;
  int64_t source_line = 0;  // CSV line it came from; 0 for folder imports
};

enum class UpsertOutcome { added, updated, unchanged };

class ProductRepository {
 public:
  explicit ProductRepository(Database& database) : database_(database) {}

  // Inserts or updates by external_id; the row id of an existing product never changes.
  UpsertOutcome upsert(const StoredProduct& product);
  std::optional<StoredProduct> find(const std::string& external_id);
  // The product's row id, for tables that refer to it; nothing for a product not in the catalogue.
  std::optional<int64_t> row_id(const std::string& external_id);
  std::vector<StoredProduct> list();
  int64_t count();

  // The category's row id, created on first use.
  int64_t category_id(const std::string& name);
  std::optional<int64_t> find_category(const std::string& name);
  std::vector<std::string> categories();

 private:
  Database& database_;
};

}  // namespace backdrop
