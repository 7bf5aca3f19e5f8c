#include "core/rendering/library_prompt_sets.h"

#include "core/store/project.h"

namespace backdrop {

std::vector<PromptSet> add_library_prompt_sets(Project& project, const backgrounds::PromptLibrary& library,
                                               std::vector<std::string> categories, const std::string& author) {
  if (categories.empty()) categories = project.products().categories();
  std::vector<PromptSet> added;
  for (const auto& category : categories) {
    std::vector<PromptEntry> prompts;
    // The templates keep their placeholders: they are filled per variant, as the library's are.
    for (const auto& entry : library.for_category(category)) {
      prompts.push_back({0, entry.prompt, entry.negative_prompt, ""});
    }
    added.push_back(project.prompts().add_version(category, author, prompts));
  }
  return added;
}

std::vector<PromptSet> add_library_drafts_for_new_categories(Project& project, const std::string& author) {
  std::vector<std::string> without_sets;
  for (const auto& category : project.products().categories()) {
    if (project.prompts().versions(category).empty()) without_sets.push_back(category);
  }
  const auto installed = backgrounds::find_default_prompt_library();
  if (without_sets.empty() || !installed) return {};
  return add_library_prompt_sets(project, backgrounds::load_prompt_library(*installed), without_sets, author);
}

}  // namespace backdrop
