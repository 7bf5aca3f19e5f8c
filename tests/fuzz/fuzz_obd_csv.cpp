// libFuzzer target for Open Bandit Dataset CSVs: load_obd_campaign (with the affinity columns, the
// widest reading) and load_obd_item_context, each on the input written to a scratch file. Only
// LogError may come out; a campaign that loads has one context row, action, position, reward and
// propensity per round.

#include <cstddef>
#include <cstdint>

#include "core/bandit/obd_dataset.h"
#include "fuzz_support.h"

using namespace backdrop::bandit;
using backdrop::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto csv = backdrop::fuzz::write_scratch_file("obd.csv", data, size);
  backdrop::fuzz::expect_only<LogError>([&] {
    ObdImportOptions options;
    options.with_affinities = true;
    const auto campaign = load_obd_campaign(csv, options);
    const auto& feedback = campaign.feedback;
    const auto rounds = static_cast<std::size_t>(feedback.size());
    require(campaign.file_row_index.size() == rounds && campaign.timestamp.size() == rounds);
    require(feedback.position.size() == rounds && feedback.reward.size() == rounds && feedback.pscore.size() == rounds);
    require(feedback.context.rows() == static_cast<Eigen::Index>(rounds));
    for (std::size_t i = 0; i < rounds; ++i) {
      require(feedback.action[i] >= 0 && feedback.action[i] < feedback.n_arms);
      require(feedback.position[i] >= 0 && feedback.position[i] < feedback.len_list);
    }
  });
  backdrop::fuzz::expect_only<LogError>([&] { (void)load_obd_item_context(csv); });
  return 0;
}
