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

}  // namespace backdrop
