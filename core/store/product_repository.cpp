#include "core/store/product_repository.h"

#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

constexpr const char* kSelectProduct =
    "SELECT p.id, p.external_id, c.name, p.title, p.image_path, p.image_sha256, COALESCE(p.source_line, 0) "
    "FROM products p JOIN categories c ON c.id = p.category_id ";

StoredProduct read_product(const Statement& row) {
  return {row.column_int64(0), row.column_text(1), row.column_text(2), row.column_text(3),
          row.column_text(4),  row.column_text(5), row.column_int64(6)};
}

bool same_content(const StoredProduct& a, const StoredProduct& b) {
  return a.category == b.category && a.title == b.title && a.image_path == b.image_path &&
         a.image_sha256 == b.image_sha256 && a.source_line == b.source_line;
}

}  // namespace

std::optional<int64_t> ProductRepository::find_category(const std::string& name) {
  Statement select(database_, "SELECT id FROM categories WHERE name = ?");
  select.bind_all(name);
  if (!select.step()) return std::nullopt;
  return select.column_int64(0);
}

int64_t ProductRepository::category_id(const std::string& name) {
  if (auto existing = find_category(name)) return *existing;
  Statement insert(database_, "INSERT INTO categories (name) VALUES (?)");
  insert.bind_all(name).run();
  return database_.last_insert_rowid();
}

std::vector<std::string> ProductRepository::categories() {
  Statement select(database_, "SELECT name FROM categories ORDER BY name");
  std::vector<std::string> names;
  while (select.step()) names.push_back(select.column_text(0));
  return names;
}

UpsertOutcome ProductRepository::upsert(const StoredProduct& product) {
  const auto existing = find(product.external_id);
  if (existing && same_content(*existing, product)) return UpsertOutcome::unchanged;
  const int64_t category = category_id(product.category);
  if (existing) {
    Statement update(database_,
                     "UPDATE products SET category_id = ?, title = ?, image_path = ?, image_sha256 = ?, "
                     "source_line = ?, updated_at = ? WHERE id = ?");
    update.bind_all(category, product.title, product.image_path, product.image_sha256, product.source_line,
                    utc_timestamp(), existing->id);
    update.run();
    return UpsertOutcome::updated;
  }
  Statement insert(database_,
                   "INSERT INTO products (external_id, category_id, title, image_path, image_sha256, source_line, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind_all(product.external_id, category, product.title, product.image_path, product.image_sha256,
                  product.source_line, utc_timestamp());
  insert.run();
  return UpsertOutcome::added;
}

std::optional<StoredProduct> ProductRepository::find(const std::string& external_id) {
  Statement select(database_, std::string(kSelectProduct) + "WHERE p.external_id = ?");
  select.bind_all(external_id);
  if (!select.step()) return std::nullopt;
  return read_product(select);
}

std::optional<int64_t> ProductRepository::row_id(const std::string& external_id) {
  Statement select(database_, "SELECT id FROM products WHERE external_id = ?");
  select.bind_all(external_id);
  if (!select.step()) return std::nullopt;
  return select.column_int64(0);
}

std::vector<StoredProduct> ProductRepository::list() {
  Statement select(database_, std::string(kSelectProduct) + "ORDER BY p.id");
  return read_all(select, read_product);
}

int64_t ProductRepository::count() {
  Statement select(database_, "SELECT COUNT(*) FROM products");
  select.step();
  return select.column_int64(0);
}

}  // namespace backdrop
