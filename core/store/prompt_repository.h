#pragma once
// Prompt sets: per category, numbered versions with an author and an approval state. Generation
// uses the newest approved version of a category's set; drafts and retired sets stay for history.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

enum class Approval { draft, approved, retired };
std::string to_string(Approval approval);
Approval approval_from_string(const std::string& text);

struct PromptEntry {
  int64_t id = 0;
  std::string prompt;
  std::string negative_prompt;
  std::string colour;  // "#rrggbb", or empty for no colour hint
};

struct PromptSet {
  int64_t id = 0;
  std::string category;
  int version = 0;
  std::string author;
  Approval approval = Approval::draft;
  std::string created_at;
  std::vector<PromptEntry> prompts;
  std::string reviewed_by;  // who last approved or retired it, and when (UTC); empty for a draft
  std::string reviewed_at;
};

class PromptRepository {
 public:
  explicit PromptRepository(Database& database) : database_(database) {}

  // Stores a new draft version (previous version + 1) of the category's set; returns it. Colours
  // must be "#rrggbb" or a colour name (core/common/colour.h) and are stored as "#rrggbb";
  // StoreError names the prompt otherwise, and nothing is stored.
  PromptSet add_version(const std::string& category, const std::string& author, const std::vector<PromptEntry>& prompts);
  // Records the reviewer and the time with the change, in the same transaction.
  void set_approval(int64_t prompt_set_id, Approval approval, const std::string& reviewer);
  std::optional<PromptSet> latest_approved(const std::string& category);
  std::vector<PromptSet> versions(const std::string& category);

 private:
  PromptSet load(int64_t prompt_set_id);
  Database& database_;
};

}  // namespace backdrop
