#pragma once
// A category's click logs read against its approved arms: what the Studio's Bandit tab shows,
// what offline evaluation runs on, and what the priors that push ships are learnt from.
//
// Logs are backdrop-serve's JSON lines (core/bandit/impression_log.h) or Open Bandit Dataset CSVs
// (core/bandit/obd_dataset.h), never both in one read. A serving log names each shown arm by its
// id ("p12"), so an impression counts for the approved prompt it showed whatever bundle served it;
// impressions of prompts that are no longer approved are counted apart and learn nothing. An OBD
// log has item indices only: item k is the approved set's k-th prompt.
//
// Serving logs are encoded with the features the category ships (the schema of its newest priors,
// else the project's default schema), so priors learnt from them fit what backdrop-serve encodes.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/bandit/feature_schema.h"
#include "core/bandit/logged_feedback.h"
#include "core/common/cancellation.h"
#include "core/export/bundle.h"
#include "core/store/priors_repository.h"

namespace backdrop {
class Project;
}

namespace backdrop::exporting {

struct ArmTally {
  int64_t impressions = 0;
  int64_t clicks = 0;
};

// What reading a category's logs needs from the project, read once on the thread that owns it.
struct CategoryArms {
  std::string category;
  std::vector<BundleArm> arms;   // the approved prompts, in the set's order
  bandit::FeatureSchema schema;  // category_feature_schema()
};

// Throws BundleError when the category has no approved prompt set.
CategoryArms category_arms(Project& project, const std::string& category);

struct CategoryLogs {
  std::string category;
  std::vector<BundleArm> arms;  // the approved prompts, in the set's order
  std::vector<std::filesystem::path> files;
  bandit::LoggedFeedback feedback;        // actions index `arms`
  bandit::FeatureSchema schema;           // the contexts' encoding
  std::vector<ArmTally> tallies;          // per arm
  int64_t other_arms_impressions = 0;     // shown prompts that are not approved now: left out
  std::vector<bandit::LogIssue> skipped;  // bad lines, with their files and line numbers

  int64_t impressions() const { return feedback.size(); }
  int64_t clicks() const;
};

// Touches no project, so it may run on a worker. Throws BundleError when the files mix formats,
// and bandit::LogError naming a file that cannot be read; bad lines land in `skipped`.
CategoryLogs read_category_logs(const CategoryArms& arms, const std::vector<std::filesystem::path>& files,
                                const ProgressSink& progress = {}, const CancellationToken& cancel = {});
// category_arms() and then the above.
CategoryLogs read_category_logs(Project& project, const std::string& category,
                                const std::vector<std::filesystem::path>& files, const ProgressSink& progress = {},
                                const CancellationToken& cancel = {});

// Learns the category's priors from the logs (every arm from the ridge prior, as
// bandit::priors_from_logs does) and stores them as its next version. Throws BundleError when the
// logs hold no impression of an approved prompt.
PriorsVersion update_priors_from_logs(Project& project, const CategoryLogs& logs, const std::string& created_by);

// "version 2: 12,400 impressions, 870 clicks, 2026-12-03, by ana".
std::string describe(const PriorsVersion& priors);

}  // namespace backdrop::exporting
