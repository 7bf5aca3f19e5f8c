#include "core/serving/decision_engine.h"

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include "core/serving/arm_choice.h"
#include "core/serving/category_learner.h"
#include "core/serving/experiment_groups.h"
#include "core/serving/request_context.h"
#include "core/serving/serving_errors.h"

namespace backdrop::serving {

namespace {

struct EligibleArm {
  int arm;
  std::string image;
};

// placement -> the arms with an image there, by arm index
using PlacementArms = std::map<std::string, std::vector<EligibleArm>, std::less<>>;

}  // namespace

struct ServedCategory {
  const exporting::CategoryBundle* bundle = nullptr;  // owned by the snapshot's bundle
  std::shared_ptr<CategoryLearner> learner;
  ContextEncoder encoder;
  bandit::RowMatrix prior_theta;  // K x d: A^-1 b of the priors, for the latency fallback
  std::map<std::string, PlacementArms, std::less<>> products;
  std::set<std::string, std::less<>> placements;  // every placement of any product
  std::optional<ServedExperiment> experiment;
};

struct EngineSnapshot {
  std::shared_ptr<const exporting::Bundle> bundle;
  std::map<std::string, ServedCategory, std::less<>> categories;
};

namespace {

using Clock = std::chrono::steady_clock;

bool same_priors(const bandit::BanditPriors& a, const bandit::BanditPriors& b) {
  if (!(a.schema == b.schema) || a.arms.size() != b.arms.size()) return false;
  for (std::size_t k = 0; k < a.arms.size(); ++k) {
    const auto& x = a.arms[k];
    const auto& y = b.arms[k];
    if (x.id != y.id || x.active != y.active || x.linear.a_inverse.rows() != y.linear.a_inverse.rows() ||
        x.linear.a_inverse.cols() != y.linear.a_inverse.cols() || x.linear.b.size() != y.linear.b.size() ||
        x.linear.a_inverse != y.linear.a_inverse || x.linear.b != y.linear.b) {
      return false;
    }
  }
  return true;
}

// Whether the online state learned under `before` means the same under `after`.
bool learner_carries_over(const exporting::CategoryBundle& before, const exporting::CategoryBundle& after) {
  if (before.arms.size() != after.arms.size() || before.policy.alpha != after.policy.alpha) return false;
  for (std::size_t k = 0; k < before.arms.size(); ++k) {
    if (before.arms[k].id != after.arms[k].id) return false;
  }
  return same_priors(before.priors, after.priors);
}

bandit::RowMatrix prior_means_of(const bandit::BanditPriors& priors) {
  const auto d = priors.schema.dimension();
  bandit::RowMatrix theta = bandit::RowMatrix::Zero(static_cast<Eigen::Index>(priors.arms.size()), d);
  for (std::size_t k = 0; k < priors.arms.size(); ++k) {
    const auto& state = priors.arms[k].linear;
    theta.row(static_cast<Eigen::Index>(k)) = (state.a_inverse * state.b).transpose();
  }
  return theta;
}

ServedCategory serve_category(const std::string& name, const exporting::CategoryBundle& category,
                              const ServedCategory* previous) {
  const auto where = "category '" + name + "'";
  if (category.arms.size() != category.priors.arms.size()) {
    throw std::runtime_error(where + ": " + std::to_string(category.arms.size()) + " arms but " +
                             std::to_string(category.priors.arms.size()) + " arm priors");
  }
  if (!(category.policy.epsilon >= 0.0 && category.policy.epsilon <= 1.0)) {
    throw std::runtime_error(where + ": epsilon must be in [0, 1]");
  }
  ServedCategory served{&category, nullptr, ContextEncoder(category.priors.schema), {}, {}, {}, {}};
  if (category.experiment) served.experiment.emplace(category);
  served.learner = previous && learner_carries_over(*previous->bundle, category)
                       ? previous->learner
                       : std::make_shared<CategoryLearner>(category);
  served.prior_theta = prior_means_of(category.priors);

  std::map<std::string, int, std::less<>> arm_index;
  for (std::size_t k = 0; k < category.arms.size(); ++k) arm_index[category.arms[k].id] = static_cast<int>(k);
  for (const auto& [product, arms] : category.images) {
    auto& placements = served.products[product];
    for (const auto& [arm_id, images] : arms) {
      const auto found = arm_index.find(arm_id);
      if (found == arm_index.end())
        throw std::runtime_error(where + ": product '" + product + "' has images of unknown arm '" + arm_id + "'");
      for (const auto& [placement, image] : images) {
        served.placements.insert(placement);
        if (category.priors.arms[static_cast<std::size_t>(found->second)].active) {
          placements[placement].push_back({found->second, image});
        }
      }
    }
  }
  for (auto& [product, placements] : served.products) {
    for (auto& [placement, eligible] : placements) {
      std::sort(eligible.begin(), eligible.end(), [](const auto& a, const auto& b) { return a.arm < b.arm; });
    }
  }
  return served;
}

std::mt19937_64& thread_random() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return random;
}

double uniform_draw() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(thread_random());
}

const std::vector<EligibleArm>& eligible_arms(const ServedCategory& category, const DecisionRequest& request) {
  const auto product = category.products.find(request.product);
  if (product == category.products.end()) {
    throw NotFound("category '" + std::string(request.category) + "' has no product '" + std::string(request.product) +
                   "'");
  }
  const auto placement = product->second.find(request.placement);
  if (placement == product->second.end() || placement->second.empty()) {
    if (!category.placements.count(request.placement)) {
      throw NotFound("category '" + std::string(request.category) + "' has no placement '" +
                     std::string(request.placement) + "'");
    }
    throw NotFound("product '" + std::string(request.product) + "' has no approved image at placement '" +
                   std::string(request.placement) + "'");
  }
  return placement->second;
}

// The eligible slot LinUCB ranks first; `ranked` lists every active arm, best first.
std::size_t greedy_by_ranking(const std::vector<EligibleArm>& eligible, std::span<const int> ranked) {
  for (const int arm : ranked) {
    if (arm < 0) break;
    for (std::size_t slot = 0; slot < eligible.size(); ++slot) {
      if (eligible[slot].arm == arm) return slot;
    }
  }
  return 0;
}

// The eligible slot with the best mean under the priors (lowest arm on ties).
std::size_t greedy_by_prior_means(const ServedCategory& category, const std::vector<EligibleArm>& eligible,
                                  const std::vector<double>& context) {
  const Eigen::Map<const Eigen::VectorXd> x(context.data(), static_cast<Eigen::Index>(context.size()));
  std::size_t best = 0;
  double best_mean = -std::numeric_limits<double>::infinity();
  for (std::size_t slot = 0; slot < eligible.size(); ++slot) {
    const double mean = category.prior_theta.row(eligible[slot].arm).dot(x.transpose());
    if (mean > best_mean) {
      best_mean = mean;
      best = slot;
    }
  }
  return best;
}

struct Greedy {
  std::size_t slot = 0;
  bool fallback = false;
};

// LinUCB's greedy arm from the learner's published scores (no lock), unless the latency budget was
// spent before the decision began: then the priors' means decide.
Greedy greedy_arm(const ServedCategory& category, const std::vector<EligibleArm>& eligible,
                  const std::vector<double>& context, Clock::time_point deadline) {
  if (Clock::now() >= deadline) return {greedy_by_prior_means(category, eligible, context), true};
  thread_local ScoringScratch scratch;
  thread_local std::vector<int> ranked;
  const auto scores = category.learner->scores();
  ranked.resize(static_cast<std::size_t>(scores->n_arms()));
  scores->rank(context, ranked, scratch);
  return {greedy_by_ranking(eligible, ranked), false};
}

// What a decision shows.
struct Shown {
  int arm = -1;  // -1: an image of an experiment group that is not an arm
  std::string_view arm_id;
  std::string_view image;
  double propensity = 0.0;
  bool fallback = false;        // the latency budget's
  bool group_fallback = false;  // the group had no image here
};

Shown shown_arm(const ServedCategory& category, const EligibleArm& arm, double propensity) {
  return {arm.arm, category.bundle->arms[static_cast<std::size_t>(arm.arm)].id, arm.image, propensity};
}

// LinUCB with epsilon-greedy exploration: the personalised group, or every request without an
// experiment.
Shown personalised(const ServedCategory& category, const std::vector<EligibleArm>& eligible,
                   const std::vector<double>& context, const DecisionRequest& request) {
  const auto& policy = category.bundle->policy;
  const auto budget =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(policy.latency_budget_ms));
  const auto greedy = greedy_arm(category, eligible, context, request.started + budget);
  const double explore = uniform_draw();
  const auto choice = choose_arm(eligible.size(), greedy.slot, policy.epsilon, explore, uniform_draw());
  auto shown = shown_arm(category, eligible[choice.slot], choice.propensity);
  shown.fallback = greedy.fallback;
  return shown;
}

// Uniform over the eligible arms: random-prompt, and a group without an image of its own here.
Shown uniform_arm(const ServedCategory& category, const std::vector<EligibleArm>& eligible) {
  return shown_arm(category, eligible[uniform_slot(eligible.size(), uniform_draw())], 1.0 / static_cast<double>(eligible.size()));
}

// Uniform over the group's own images (original, white, previous-bundle).
Shown group_image(const ServedCategory& category, const ServedGroup& group, const std::vector<EligibleArm>& eligible,
                  const DecisionRequest& request) {
  const auto* images = group.images_at(request.product, request.placement);
  if (!images) {
    auto shown = uniform_arm(category, eligible);
    shown.group_fallback = true;
    return shown;
  }
  const auto& image = (*images)[uniform_slot(images->size(), uniform_draw())];
  return {-1, image.key, image.image, 1.0 / static_cast<double>(images->size())};
}

Shown show(const ServedCategory& category, const ServedGroup* group, const std::vector<EligibleArm>& eligible,
           const std::vector<double>& context, const DecisionRequest& request) {
  if (!group) return personalised(category, eligible, context, request);
  switch (group->group->kind) {
    case experiment::GroupKind::personalised:
      return personalised(category, eligible, context, request);
    case experiment::GroupKind::random_prompt:
      return uniform_arm(category, eligible);
    case experiment::GroupKind::original:
    case experiment::GroupKind::white:
    case experiment::GroupKind::previous_bundle:
      break;
  }
  return group_image(category, *group, eligible, request);
}

}  // namespace

DecisionEngine::DecisionEngine(DecisionEngineOptions options, ImpressionSink* sink)
    : sink_(sink),
      ids_(options.id_key.empty() ? random_key_bytes() : std::move(options.id_key)),
      pending_(options.max_pending, options.pending_ttl),
      nonce_(std::uniform_int_distribution<uint64_t>()(thread_random())) {}

DecisionEngine::~DecisionEngine() = default;

void DecisionEngine::load(std::shared_ptr<const exporting::Bundle> bundle) {
  if (!bundle) throw std::invalid_argument("decision engine: no bundle to load");
  const auto previous = snapshot_.load();
  auto snapshot = std::make_shared<EngineSnapshot>();
  snapshot->bundle = std::move(bundle);
  for (const auto& [name, category] : snapshot->bundle->categories) {
    const ServedCategory* before = nullptr;
    if (previous) {
      const auto found = previous->categories.find(name);
      if (found != previous->categories.end()) before = &found->second;
    }
    snapshot->categories.emplace(name, serve_category(name, category, before));
  }
  snapshot_.store(std::move(snapshot));
}

bool DecisionEngine::has_bundle() const {
  return snapshot_.load() != nullptr;
}

std::string DecisionEngine::bundle_version() const {
  const auto snapshot = snapshot_.load();
  return snapshot ? snapshot->bundle->manifest.version : std::string();
}

Decision DecisionEngine::decide(const DecisionRequest& request) {
  const auto snapshot = snapshot_.load();
  if (!snapshot) throw Unavailable("no bundle loaded");
  const auto found = snapshot->categories.find(request.category);
  if (found == snapshot->categories.end()) throw NotFound("unknown category '" + std::string(request.category) + "'");
  const auto& category = found->second;
  const auto& policy = category.bundle->policy;
  const auto& eligible = eligible_arms(category, request);
  thread_local EncodedContext context;  // reused: its buffers keep their capacity
  category.encoder.encode(request.context, context);

  thread_local std::string user_text;
  std::optional<std::string_view> user;
  GroupChoice group;
  if (category.experiment) {
    user = user_id_of(request.context, user_text);
    group = category.experiment->choose(user, uniform_draw());
  }
  const auto shown = show(category, group.group, eligible, context.vector, request);

  Decision decision;
  decision.bundle_version = snapshot->bundle->manifest.version;
  decision.id = ids_.issue(found->first, decision.bundle_version, nonce_, counter_.fetch_add(1) + 1);
  decision.arm = shown.arm;
  decision.arm_id = shown.arm_id;
  decision.image = shown.image;
  decision.propensity = shown.propensity;
  decision.fallback = shown.fallback;
  if (group.group) {
    decision.experiment = category.experiment->experiment().id;
    decision.group = group.group->group->name;
    decision.group_kind = group.group->kind;
    decision.assigned = group.assigned;
    decision.group_fallback = shown.group_fallback;
  }

  if (sink_) {
    ImpressionRecord record;
    record.category = found->first;
    record.bundle_version = decision.bundle_version;
    record.decision = decision.id;
    record.arm = decision.arm;
    record.arm_id = decision.arm_id;
    record.product = request.product;
    record.placement = request.placement;
    record.propensity = decision.propensity;
    record.features = context.features;
    record.fallback = decision.fallback;
    if (group.group) {
      record.experiment = decision.experiment;
      record.group = decision.group;
      record.group_kind = decision.group_kind;
      record.group_share = group.group->group->share;
      record.control = category.experiment->experiment().control;
      record.assigned = decision.assigned;
      record.user = user.value_or(std::string_view());
      record.group_fallback = decision.group_fallback;
    }
    sink_->impression(record);
  }
  // Only LinUCB's own choices teach it (see the header).
  const bool learning =
      policy.online_learning && (!group.group || group.group->group->kind == experiment::GroupKind::personalised);
  pending_.add(decision.id, {learning ? category.learner : nullptr, decision.arm,
                             learning ? context.vector : std::vector<double>{}});
  return decision;
}

FeedbackResult DecisionEngine::feedback(const std::string& decision_id, bool clicked) {
  FeedbackResult result;
  auto check = ids_.check(decision_id);
  if (!check.parts) {
    result.error = std::move(check.error);
    if (sink_) sink_->unmatched_click(decision_id, clicked, result.error);
    return result;
  }
  result.category = std::move(check.parts->category);
  // Logged before the decision is taken: when the log fails (this throws), a retry still learns.
  if (sink_ && clicked) {
    sink_->click(result.category, decision_id);
    result.logged = true;
  }
  auto pending = pending_.take(decision_id);
  result.outcome = pending ? FeedbackOutcome::held : FeedbackOutcome::not_held;
  if (pending && pending->learner) {
    pending->learner->learn(pending->arm, clicked ? 1.0 : 0.0, pending->context);
    result.learned = true;
  }
  return result;
}

}  // namespace backdrop::serving
