#pragma once
// The serving side's decisions, without HTTP: which approved image a product shows at a placement
// for a request's context, with the propensity the impression log needs, and online learning from
// feedback.
//
// The engine holds the current bundle as an immutable snapshot behind an atomic shared pointer;
// load() swaps in a new one and requests in flight finish on the snapshot they started with. Per
// category a LinUCB (started from the bundle's priors) ranks the arms; only the arms the product
// has an image for at the placement are eligible; with probability epsilon the engine picks
// uniformly among them instead, so propensity = (1 - eps) [greedy] + eps / |eligible|.
//
// Scoring takes no lock: a decision scores the category learner's published LinUCB state (an
// immutable copy behind an atomic shared pointer, replaced after every feedback update; see
// category_learner.h), so decisions never wait for feedback or for each other.
//
// Latency budget (PolicySettings::latency_budget_ms), counted from DecisionRequest::started (the
// HTTP layer passes the time the request was routed): when the budget was spent before the
// decision began (the request queued behind others), the greedy arm is the best eligible arm by
// the priors' means x . theta (no width term, no online state: d multiply-adds per arm instead of
// nnz^2); epsilon exploration and the propensity formula stay the same.
//
// Experiments (a category whose bundle carries one; see experiment_groups.h for the assignment):
// the request's group decides how its image is chosen, and its propensity is the one within the
// group. original / white / previous-bundle: uniform over the group's images of the product at the
// placement (one for original and white: propensity 1); random-prompt: uniform over the eligible
// arms (1 / |eligible|); personalised: LinUCB as above. A previous-bundle group without an image of
// the product there (the product is new) shows a uniform eligible arm and says so
// (Decision::group_fallback). Online learning takes feedback of the personalised group's decisions
// only: LinUCB's updates are unbiased for the contexts it chose in, and the other groups' choices
// follow other propensities (or show no arm at all), so learning from them would pull the
// personalised policy towards what the other groups happened to show.
//
// Bundle switches and learned state: a category's learner is carried over to the new bundle when
// the new bundle has the same arm ids in the same order, the same feature schema, the same priors
// and the same alpha, i.e. the publish changed images or other categories only. When the priors
// changed, the new bundle's priors were trained offline on logs that include what was served
// online, so the engine starts from them and drops the online state (which is in the logs).
//
// Feedback (see decision_id.h for the ids): a click on any id this service issued is logged to its
// category's log, written and flushed before feedback() returns, whichever process made the
// decision and whether or not it is still held; only a decision this engine holds (made here,
// since the last start, not answered yet, within max_pending and pending_ttl) also teaches the
// online learner. An id that fails its check is reported to the sink as unmatched and never
// reaches a category's log. Decisions still pending when the engine is destroyed lose only their
// online update: their impressions are in the log, and their clicks are logged by whichever
// replica receives them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export/bundle.h"
#include "core/serving/decision_id.h"
#include "core/serving/impression_sink.h"
#include "core/serving/pending_decisions.h"

namespace backdrop::serving {

class CategoryLearner;
struct EngineSnapshot;

struct DecisionEngineOptions {
  // Decisions awaiting feedback, the oldest dropped first. Each keeps its encoded context when
  // online learning is on: about 8 d + 200 bytes for a d-column schema.
  std::size_t max_pending = 200000;
  // Feedback later than this is logged but not learned from.
  std::chrono::seconds pending_ttl{std::chrono::hours(1)};
  // The decision id key shared by the replicas (decision_id.h); empty: a random key, so that only
  // this engine accepts its ids (tests, a single process without a key file).
  std::string id_key;
};

struct DecisionRequest {
  std::string_view category;
  std::string_view product;
  std::string_view placement;
  const nlohmann::json& context;  // {"user": {...}, "product": {...}, "placement": {...}}
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

struct Decision {
  std::string id;
  int arm = -1;
  std::string arm_id;
  std::string image;  // relative to the bundle folder
  double propensity = 0.0;
  std::string bundle_version;
  bool fallback = false;  // the latency budget ran out: decided by the priors' means
  // Set when the category runs an experiment.
  std::string experiment;       // the experiment's id; empty: none
  std::string group;            // the request's group
  std::string_view group_kind;  // its kind ("original", "random-prompt" ...)
  bool assigned = false;        // by the user id's hash; false: drawn for this request alone
  bool group_fallback = false;  // previous-bundle without an image here: an eligible arm instead
};

enum class FeedbackOutcome {
  held,       // a decision this engine held: logged (when clicked) and learned from where it learns
  not_held,   // a genuine id this engine does not hold (other replica, restart, expired, answered): logged
  unmatched,  // not an id this service issued (garbled, forged): logged as unmatched only
};

struct FeedbackResult {
  FeedbackOutcome outcome = FeedbackOutcome::unmatched;
  std::string category;  // from the id; empty when unmatched
  bool learned = false;  // the learner was updated
  bool logged = false;   // a click line was written to the category's log
  std::string error;     // unmatched: why the id was rejected
};

class DecisionEngine {
 public:
  explicit DecisionEngine(DecisionEngineOptions options = {}, ImpressionSink* sink = nullptr);
  ~DecisionEngine();
  DecisionEngine(const DecisionEngine&) = delete;
  DecisionEngine& operator=(const DecisionEngine&) = delete;

  // Builds the snapshot of `bundle` off the request path and swaps it in. Throws
  // bandit::PriorsError (or FeatureError) when a category's priors do not fit its schema; the
  // current bundle then keeps serving.
  void load(std::shared_ptr<const exporting::Bundle> bundle);

  bool has_bundle() const;
  std::string bundle_version() const;  // "" without a bundle

  // Throws Unavailable (no bundle), NotFound (category, product, placement, no eligible arm) or
  // BadRequest (features).
  Decision decide(const DecisionRequest& request);
  // Never throws for an id: see FeedbackOutcome. The sink's errors (a click that could not be
  // logged: Unavailable) propagate, and the decision then stays pending for a retry.
  FeedbackResult feedback(const std::string& decision_id, bool clicked);

  std::size_t pending_decisions() const { return pending_.size(); }

 private:
  ImpressionSink* sink_;
  DecisionIds ids_;
  PendingDecisions pending_;
  std::atomic<std::shared_ptr<const EngineSnapshot>> snapshot_;
  std::atomic<uint64_t> counter_{0};
  uint64_t nonce_;  // random per engine, so ids differ across restarts and replicas
};

}  // namespace backdrop::serving
