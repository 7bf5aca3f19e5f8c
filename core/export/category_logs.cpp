#include "core/export/category_logs.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "core/bandit/impression_log.h"
#include "core/bandit/obd_dataset.h"
#include "core/bandit/priors.h"
#include "core/export/bundle_plan.h"
#include "core/store/project.h"

namespace backdrop::exporting {
namespace {

bool is_obd_csv(const std::filesystem::path& file) {
  auto extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return extension == ".csv";
}

// The rounds of `feedback` whose arm maps to an approved arm (arm_of returns -1 for the others),
// renumbered to the approved arms' indices.
template <typename ArmOf>
void keep_approved_rounds(const bandit::LoggedFeedback& feedback, ArmOf arm_of, CategoryLogs& logs) {
  std::vector<int64_t> rounds;
  std::vector<int> arms;
  for (int64_t round = 0; round < feedback.size(); ++round) {
    const int arm = arm_of(round);
    if (arm < 0) {
      ++logs.other_arms_impressions;
      continue;
    }
    rounds.push_back(round);
    arms.push_back(arm);
  }
  logs.feedback = bandit::select_rounds(feedback, rounds);
  logs.feedback.action = std::move(arms);
  logs.feedback.n_arms = static_cast<int>(logs.arms.size());
}

// Serving logs: by arm id where the line has one, else by the index (logs written before ids).
void read_serving_logs(const bandit::FeatureSchema& schema, const std::vector<std::filesystem::path>& files,
                       const ProgressSink& progress, const CancellationToken& cancel, CategoryLogs& logs) {
  bandit::ImpressionLogOptions options;
  options.schema = schema;
  options.progress = progress;
  options.cancel = cancel;
  const auto log = bandit::load_impression_logs(files, options);
  std::map<std::string, int> index_of;
  for (std::size_t k = 0; k < logs.arms.size(); ++k) index_of[logs.arms[k].id] = static_cast<int>(k);
  const int arm_count = static_cast<int>(logs.arms.size());
  keep_approved_rounds(
      log.feedback,
      [&](int64_t round) {
        const auto& id = log.arm_id[static_cast<std::size_t>(round)];
        if (id.empty()) {
          const int arm = log.feedback.action[static_cast<std::size_t>(round)];
          return arm < arm_count ? arm : -1;
        }
        const auto found = index_of.find(id);
        return found == index_of.end() ? -1 : found->second;
      },
      logs);
  logs.schema = log.schema;
  logs.skipped = log.skipped;
}

void read_obd_logs(const std::vector<std::filesystem::path>& files, const ProgressSink& progress,
                   const CancellationToken& cancel, CategoryLogs& logs) {
  if (files.size() != 1)
    throw BundleError("OBD logs are read one CSV at a time (" + std::to_string(files.size()) + " given)");
  bandit::ObdImportOptions options;
  options.progress = progress;
  options.cancel = cancel;
  const auto campaign = bandit::load_obd_campaign(files.front(), options);
  const int arm_count = static_cast<int>(logs.arms.size());
  keep_approved_rounds(
      campaign.feedback,
      [&](int64_t round) {
        const int item = campaign.feedback.action[static_cast<std::size_t>(round)];
        return item < arm_count ? item : -1;
      },
      logs);
  logs.schema = campaign.schema;
  logs.skipped = campaign.skipped;
}

void count_per_arm(CategoryLogs& logs) {
  logs.tallies.assign(logs.arms.size(), {});
  for (int64_t round = 0; round < logs.feedback.size(); ++round) {
    auto& tally = logs.tallies[static_cast<std::size_t>(logs.feedback.action[static_cast<std::size_t>(round)])];
    ++tally.impressions;
    tally.clicks += logs.feedback.reward[static_cast<std::size_t>(round)] > 0 ? 1 : 0;
  }
}

// "12400" -> "12,400": the counts people read in a status line.
std::string with_thousands(int64_t value) {
  const auto digits = std::to_string(value);
  std::string grouped;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0 && digits[k - 1] != '-') grouped += ',';
    grouped += digits[k];
  }
  return grouped;
}

}  // namespace

int64_t CategoryLogs::clicks() const {
  int64_t clicks = 0;
  for (const auto& tally : tallies) clicks += tally.clicks;
  return clicks;
}

CategoryArms category_arms(Project& project, const std::string& category) {
  CategoryArms arms{category, approved_arms(project, category), category_feature_schema(project, category)};
  if (arms.arms.empty()) throw BundleError("category '" + category + "' has no approved prompt set: no arms to count");
  return arms;
}

CategoryLogs read_category_logs(const CategoryArms& arms, const std::vector<std::filesystem::path>& files,
                                const ProgressSink& progress, const CancellationToken& cancel) {
  CategoryLogs logs;
  logs.category = arms.category;
  logs.files = files;
  logs.arms = arms.arms;
  if (files.empty()) throw BundleError("no click log given for '" + arms.category + "'");
  const auto obd = std::count_if(files.begin(), files.end(), is_obd_csv);
  if (obd != 0 && obd != static_cast<long>(files.size())) {
    throw BundleError("read serving logs (.jsonl) or an OBD CSV, not both at once");
  }
  if (obd != 0) {
    read_obd_logs(files, progress, cancel, logs);
  } else {
    read_serving_logs(arms.schema, files, progress, cancel, logs);
  }
  count_per_arm(logs);
  return logs;
}

CategoryLogs read_category_logs(Project& project, const std::string& category,
                                const std::vector<std::filesystem::path>& files, const ProgressSink& progress,
                                const CancellationToken& cancel) {
  return read_category_logs(category_arms(project, category), files, progress, cancel);
}

PriorsVersion update_priors_from_logs(Project& project, const CategoryLogs& logs, const std::string& created_by) {
  if (logs.impressions() == 0) {
    throw BundleError("the logs hold no impression of an approved prompt of '" + logs.category + "'");
  }
  auto priors = bandit::priors_from_logs(logs.feedback, logs.schema, static_cast<int>(logs.arms.size()));
  for (std::size_t k = 0; k < logs.arms.size(); ++k) priors.arms[k].id = logs.arms[k].id;
  NewPriors stored{logs.category, bandit::priors_to_json(priors).dump(), logs.impressions(), logs.clicks(), {},
                   created_by};
  for (const auto& file : logs.files) stored.logs.push_back(file.filename().string());
  return project.priors().add(stored);
}

std::string describe(const PriorsVersion& priors) {
  return "version " + std::to_string(priors.version) + ": " + with_thousands(priors.impressions) + " impressions, " +
         with_thousands(priors.clicks) + " clicks, " + priors.created_at.substr(0, 10) + ", by " + priors.created_by;
}

}  // namespace backdrop::exporting
