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

// The author the drafts below are recorded under.
inline constexpr const char* kLibraryAuthor = "prompt library";

// After a catalogue import: every category without any prompt set yet gets the installed library's
// prompts as its first draft, so a new category starts from the library rather than from nothing.
// Categories with a set (draft, approved or retired) are left as people made them. Nothing is
// added when no library is installed. Returns the drafts added.
std::vector<PromptSet> add_library_drafts_for_new_categories(Project& project, const std::string& author);

}  // namespace backdrop
