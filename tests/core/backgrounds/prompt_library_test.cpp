// The prompt library: the default one covers the catalogue's categories, placeholders fill in,
// and mistakes in a user's library are named.

#include <QtTest>

#include "core/backgrounds/prompt_library.h"

using namespace backdrop::backgrounds;

class PromptLibraryTest : public QObject {
  Q_OBJECT

 private slots:
  void defaultLibraryCoversTheCatalogueCategories() {
    const auto library = load_prompt_library("resources/prompts/default.json");
    for (const char* category :
         {"apparel", "footwear", "bags", "beauty", "furniture", "electronics", "kitchen", "food"}) {
      const auto& templates = library.for_category(category);
      QVERIFY2(templates.size() >= 2, category);
      QVERIFY2(&templates != &library.defaults, category);
      for (const auto& entry : templates) {
        QVERIFY(entry.prompt.find("{product}") != std::string::npos);
        QVERIFY(entry.prompt.find("{color}") != std::string::npos);
        QVERIFY(!entry.negative_prompt.empty());
      }
    }
    QCOMPARE(&library.for_category("toys"), &library.defaults);
  }

  void placeholdersAreFilled() {
    const PromptValues values{"red handbag", "bags", "sage green"};
    QCOMPARE(fill_prompt("a {product} ({category}) on {color}", values),
             std::string("a red handbag (bags) on sage green"));
    QCOMPARE(fill_prompt("{color} backdrop", {"x", "y", ""}), std::string("soft neutral backdrop"));
    QCOMPARE(fill_prompt("no placeholders", values), std::string("no placeholders"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fill_prompt("a {brand} bag", values));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fill_prompt("a {product bag", values));
  }

  void mistakesAreNamed() {
    const auto message = [](const std::string& json) {
      try {
        parse_prompt_library(json, "mine.json");
      } catch (const std::invalid_argument& error) {
        return std::string(error.what());
      }
      return std::string();
    };
    QVERIFY(message(R"({"categories": {}})").find("mine.json: needs a 'default'") != std::string::npos);
    QVERIFY(message(R"({"default": [{"id": "a", "prompt": "x {colour}"}]})").find("default[0]: unknown placeholder {colour}") !=
            std::string::npos);
    QVERIFY(message(R"({"default": [{"id": "a", "prompt": "x"}], "categories": {"bags": []}})")
                .find("categories.bags must be a non-empty list") != std::string::npos);
    QVERIFY(message("{oops").find("mine.json") != std::string::npos);
    const auto library =
        parse_prompt_library(R"({"default": [{"id": "a", "prompt": "a {product}"}]})", "mine.json");
    QCOMPARE(library.defaults.front().negative_prompt, std::string());
  }
};

QTEST_APPLESS_MAIN(PromptLibraryTest)
#include "prompt_library_test.moc"
