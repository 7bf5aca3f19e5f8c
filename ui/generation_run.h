#pragma once
// One run of the Studio's Generate, off the GUI thread: plan the chosen variants through core
// (the same call `backdrop project jobs run` makes), queue them in the project file and render
// them with core's job runner, reporting counts to the panel through atomics.

#include <QString>
#include <QStringList>
#include <atomic>
#include <string>
#include <vector>

#include "core/common/cancellation.h"
#include "core/generation/variant_inputs.h"
#include "core/rendering/planned_settings.h"
#include "ui/generator_choice.h"

namespace backdrop {
class Project;
}

namespace backdrop::ui {

// A run's parameters, taken on the GUI thread: core's choices, and where and how it runs.
struct RunRequest {
  std::string projectFile;
  std::string jobName;
  int threads = 1;
  RunChoices choices;
};

// Written by the run, read by the panel's poll.
struct GenerationCounters {
  std::atomic<int64_t> done{0};  // variants
  std::atomic<int64_t> total{0};
  std::atomic<int64_t> step{0};  // denoising steps of the variant being painted (diffusion)
  std::atomic<int64_t> steps{0};
  // Set by the panel's Cancel: the run then cancels the job in the store. A bare cancellation
  // (the Studio closing) leaves the job active, to be resumed after reopening.
  std::atomic<bool> cancelJob{false};
};

// The variants the request plans: core's plan of the requested products.
std::vector<VariantInputs> planRun(Project& project, const RunRequest& request);

// "; held back, mask needs attention: p1, p2" for those of the products (all when empty) that
// planning leaves out; empty when none is.
QString heldBackNote(Project& project, const std::vector<std::string>& productIds);

// Plans, queues and renders; returns the summary line the panel shows. Throws what core throws.
QString runGeneration(const RunRequest& request, GenerationCounters& counters, const CancellationToken& cancel);

// Renders what the job `request.jobName` has left (its tasks are in the store already: a resumed
// or retried job); the counters start from the store's. Returns the summary line.
QString runQueuedJob(const RunRequest& request, GenerationCounters& counters, const CancellationToken& cancel);

}  // namespace backdrop::ui
