// A catalogue CSV comes from the user: a row the system cannot use is an issue with its line,
// never an exception that stops the import (findings of fuzz_catalog_csv).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "core/catalog/catalog.h"
#include "support/test_data.h"

using namespace backdrop;

TEST_CASE("an image name longer than the file system allows is that row's issue") {
  const auto folder = test::scratch_dir("catalog-input");
  std::ofstream(folder / "p2.jpg") << "not checked here";
  const std::string long_name(300, 'a');
  std::ofstream(folder / "catalog.csv") << "product_id,category,title,image\n"
                                        << "p1,bags,Tote," << long_name << ".jpg\n"
                                        << "p2,bags,Mug,p2.jpg\n";
  const auto catalog = read_catalog_csv(folder / "catalog.csv");
  REQUIRE(catalog.products.size() == 1);
  CHECK(catalog.products[0].id == "p2");
  REQUIRE(catalog.issues.size() == 1);
  CHECK(catalog.issues[0].line == 2);
  CHECK(catalog.issues[0].message == "product 'p1': image file '" + (folder / (long_name + ".jpg")).string() +
                                         "' cannot be read (File name too long)");
}
