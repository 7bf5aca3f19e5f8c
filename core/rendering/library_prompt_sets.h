#pragma once
// A prompt library (core/backgrounds/prompt_library.h) brought into a project as prompt sets:
// one new draft version per category, holding the library's templates for it (the category's
// own, else the library's defaults), for a person to review and approve.

#include <string>
#include <vector>

#include "core/backgrounds/prompt_library.h"
#include "core/store/prompt_repository.h"

namespace backdrop {

class Project;

// `categories` empty: every category of the project's products. Returns the drafts added, in
// the order of the categories.
std::vector<PromptSet> add_library_prompt_sets(Project& project, const backgrounds::PromptLibrary& library,
                                               std::vector<std::string> categories, const std::string& author);

}  // namespace backdrop
