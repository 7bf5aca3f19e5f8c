// A catalogue import gives every category that has no prompt set yet the installed library's
// prompts as a draft; categories people already wrote sets for are left alone.

#include <doctest/doctest.h>

#include <cstdlib>

#include "core/backgrounds/prompt_library.h"
#include "core/rendering/library_prompt_sets.h"
#include "core/store/project.h"
#include "support/test_data.h"

using namespace backdrop;

TEST_CASE("new categories get the installed library as a draft, once") {
  // The tests run in the source tree: its library is the one installed.
  const auto library_file = std::filesystem::absolute("resources/prompts/default.json");
  REQUIRE(std::filesystem::is_regular_file(library_file));
  setenv("BACKDROP_PROMPTS", library_file.c_str(), 1);
  auto project = Project::create(test::scratch_dir("rendering-library-drafts") / "p.backdrop");
  for (const auto& [id, category] : {std::pair{"b1", "bags"}, {"s1", "shoes"}, {"f1", "furniture"}}) {
    project.products().upsert({0, id, category, std::string("Product ") + id, "", "", 0});
  }
  const auto written = project.prompts().add_version("shoes", "ana", {{0, "a running track", "", ""}});
  project.prompts().set_approval(written.id, Approval::approved, "ana");

  const auto drafts = add_library_drafts_for_new_categories(project, kLibraryAuthor);
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].category == "bags");
  CHECK(drafts[1].category == "furniture");
  const auto library = backgrounds::load_prompt_library(library_file);
  for (const auto& draft : drafts) {
    CHECK(draft.version == 1);
    CHECK(draft.approval == Approval::draft);
    CHECK(draft.author == "prompt library");
    const auto templates = library.for_category(draft.category);
    REQUIRE(draft.prompts.size() == templates.size());
    CHECK(draft.prompts.front().prompt == templates.front().prompt);
  }
  CHECK(project.prompts().versions("shoes").size() == 1);  // people's set is left alone

  CHECK(add_library_drafts_for_new_categories(project, kLibraryAuthor).empty());  // nothing new since
  unsetenv("BACKDROP_PROMPTS");
}
