// libFuzzer target for backdrop-serve's impression logs: load_impression_log on the input written
// to a scratch file (every line through its JSON-lines reader and event parser), first fitting a
// schema to the log, then once more encoding with the schema it fitted, as the priors join does
// with the schema saved beside them. Only LogError may come out; a log that loads has one decision
// id, action, position, reward and propensity per round.

#include <cstddef>
#include <cstdint>

#include "core/bandit/impression_log.h"
#include "fuzz_support.h"

using namespace backdrop::bandit;
using backdrop::fuzz::require;

namespace {

void check(const ImpressionLog& log) {
  const auto& feedback = log.feedback;
  const auto rounds = static_cast<std::size_t>(feedback.size());
  require(log.decision.size() == rounds && feedback.position.size() == rounds);
  require(feedback.reward.size() == rounds && feedback.pscore.size() == rounds);
  require(feedback.context.rows() == static_cast<Eigen::Index>(rounds));
  require(feedback.context.cols() == log.schema.dimension());
  for (std::size_t i = 0; i < rounds; ++i) {
    require(feedback.action[i] >= 0 && feedback.action[i] < feedback.n_arms);
    require(feedback.position[i] >= 0 && feedback.position[i] < feedback.len_list);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto path = backdrop::fuzz::write_scratch_file("impressions.jsonl", data, size);
  backdrop::fuzz::expect_only<LogError>([&] {
    const auto fitted = load_impression_log(path);
    check(fitted);
    ImpressionLogOptions options;
    options.schema = fitted.schema;
    check(load_impression_log(path, options));
  });
  return 0;
}
