#include "core/store/prompt_repository.h"

#include "core/common/colour.h"
#include "core/store/product_repository.h"
#include "core/store/sqlite_database.h"

namespace backdrop {
namespace {

// Colours are checked here, where every front-end saves, and stored as "#rrggbb" so that every
// reader sees one form; a blank colour means no colour hint.
std::vector<PromptEntry> with_checked_colours(const std::string& category, std::vector<PromptEntry> prompts) {
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    auto& colour = prompts[i].colour;
    if (colour.find_first_not_of(" \t") == std::string::npos) {
      colour.clear();
      continue;
    }
    const auto rgb = parse_colour(colour);
    if (!rgb) {
      throw StoreError("prompt set for '" + category + "', prompt " + std::to_string(i + 1) + ": colour '" + colour +
                       "' is not " + accepted_colours());
    }
    colour = hex_colour(*rgb);
  }
  return prompts;
}

}  // namespace

std::string to_string(Approval approval) {
  switch (approval) {
    case Approval::draft: return "draft";
    case Approval::approved: return "approved";
    case Approval::retired: return "retired";
  }
  return "draft";
}

Approval approval_from_string(const std::string& text) {
  if (text == "draft") return Approval::draft;
  if (text == "approved") return Approval::approved;
  if (text == "retired") return Approval::retired;
  throw StoreError("unknown approval state '" + text + "' (draft, approved, retired)");
}

PromptSet PromptRepository::add_version(const std::string& category, const std::string& author,
                                        const std::vector<PromptEntry>& entries) {
  const auto prompts = with_checked_colours(category, entries);
  Transaction transaction(database_);
  const int64_t category_id = ProductRepository(database_).category_id(category);
  Statement next(database_, "SELECT COALESCE(MAX(version), 0) + 1 FROM prompt_sets WHERE category_id = ?");
  next.bind_all(category_id).step();
  const int64_t version = next.column_int64(0);
  Statement insert_set(database_,
                       "INSERT INTO prompt_sets (category_id, version, author, approval, created_at) "
                       "VALUES (?, ?, ?, 'draft', ?)");
  insert_set.bind_all(category_id, version, author, utc_timestamp()).run();
  const int64_t set_id = database_.last_insert_rowid();
  Statement insert_prompt(database_,
                          "INSERT INTO prompts (prompt_set_id, position, prompt, negative_prompt, colour) "
                          "VALUES (?, ?, ?, ?, ?)");
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    insert_prompt.reset();
    insert_prompt.bind_all(set_id, static_cast<int64_t>(i), prompts[i].prompt, prompts[i].negative_prompt,
                           prompts[i].colour);
    insert_prompt.run();
  }
  transaction.commit();
  return load(set_id);
}

void PromptRepository::set_approval(int64_t prompt_set_id, Approval approval, const std::string& reviewer) {
  Transaction transaction(database_);
  const auto before = load(prompt_set_id).approval;  // fails for no such prompt set
  Statement update(database_, "UPDATE prompt_sets SET approval = ? WHERE id = ?");
  update.bind_all(to_string(approval), prompt_set_id).run();
  Statement log(database_,
                "INSERT INTO prompt_set_log (prompt_set_id, reviewer, at, before, after) VALUES (?, ?, ?, ?, ?)");
  log.bind_all(prompt_set_id, reviewer, utc_timestamp(), to_string(before), to_string(approval)).run();
  transaction.commit();
}

PromptSet PromptRepository::load(int64_t prompt_set_id) {
  Statement select_set(database_,
                       "SELECT s.id, c.name, s.version, s.author, s.approval, s.created_at FROM prompt_sets s "
                       "JOIN categories c ON c.id = s.category_id WHERE s.id = ?");
  select_set.bind_all(prompt_set_id);
  if (!select_set.step()) database_.fail("load prompt set " + std::to_string(prompt_set_id) + ": no such prompt set");
  PromptSet set{select_set.column_int64(0),
                select_set.column_text(1),
                static_cast<int>(select_set.column_int64(2)),
                select_set.column_text(3),
                approval_from_string(select_set.column_text(4)),
                select_set.column_text(5),
                {},
                {},
                {}};
  Statement select_prompts(database_,
                           "SELECT id, prompt, negative_prompt, colour FROM prompts WHERE prompt_set_id = ? "
                           "ORDER BY position");
  select_prompts.bind_all(prompt_set_id);
  while (select_prompts.step()) {
    set.prompts.push_back({select_prompts.column_int64(0), select_prompts.column_text(1),
                           select_prompts.column_text(2), select_prompts.column_text(3)});
  }
  if (set.approval != Approval::draft) {
    Statement reviewed(database_,
                       "SELECT reviewer, at FROM prompt_set_log WHERE prompt_set_id = ? ORDER BY id DESC LIMIT 1");
    reviewed.bind_all(prompt_set_id);
    if (reviewed.step()) {
      set.reviewed_by = reviewed.column_text(0);
      set.reviewed_at = reviewed.column_text(1);
    }
  }
  return set;
}

std::optional<PromptSet> PromptRepository::latest_approved(const std::string& category) {
  Statement select(database_,
                   "SELECT s.id FROM prompt_sets s JOIN categories c ON c.id = s.category_id "
                   "WHERE c.name = ? AND s.approval = 'approved' ORDER BY s.version DESC LIMIT 1");
  select.bind_all(category);
  if (!select.step()) return std::nullopt;
  return load(select.column_int64(0));
}

std::vector<PromptSet> PromptRepository::versions(const std::string& category) {
  Statement select(database_,
                   "SELECT s.id FROM prompt_sets s JOIN categories c ON c.id = s.category_id "
                   "WHERE c.name = ? ORDER BY s.version");
  select.bind_all(category);
  std::vector<int64_t> ids;
  while (select.step()) ids.push_back(select.column_int64(0));
  std::vector<PromptSet> sets;
  for (const auto id : ids) sets.push_back(load(id));
  return sets;
}

}  // namespace backdrop
