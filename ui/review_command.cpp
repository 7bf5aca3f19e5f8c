#include "ui/review_command.h"

#include "core/store/project.h"
#include "ui/project_session.h"
#include "ui/studio_settings.h"

namespace backdrop::ui {

std::string currentReviewer() {
  return StudioSettings::load().reviewer();
}

ReviewCommand::ReviewCommand(ProjectSession& session, std::vector<int64_t> variantIds, std::string action,
                             std::function<void(ReviewState&)> after, const QString& text)
    : QUndoCommand(text), session_(session), ids_(std::move(variantIds)), action_(std::move(action)) {
  for (const int64_t id : ids_) {
    ReviewState state;
    if (const auto variant = session_.project().variants().find(id)) {
      state = {variant->status, variant->flag_reasons, variant->stars.value_or(0)};
    }
    before_.push_back(state);
    after(state);
    after_.push_back(state);
  }
}

void ReviewCommand::redo() {
  for (size_t i = 0; i < ids_.size(); ++i) write(ids_[i], after_[i], action_);
  emit session_.variantsChanged();
}

void ReviewCommand::undo() {
  for (size_t i = 0; i < ids_.size(); ++i) write(ids_[i], before_[i], "undo " + action_);
  emit session_.variantsChanged();
}

void ReviewCommand::write(int64_t id, const ReviewState& state, const std::string& action) {
  ReviewChange change;
  change.reviewer = currentReviewer();
  change.action = action;
  change.status = state.status;
  change.flag_reasons = state.flagReasons;
  change.stars = state.stars;
  session_.project().variants().review(id, change);
}

}  // namespace backdrop::ui
