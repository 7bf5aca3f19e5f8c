#pragma once
// One review action on one or more variants (approve, reject, clear, stars, flag), undoable.
// Redo and undo both go through VariantRepository::review, so every step, undo included, is in
// the project's append-only review log.

#include <QUndoCommand>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store/variant_repository.h"

namespace backdrop::ui {

class ProjectSession;

struct ReviewState {
  VariantStatus status = VariantStatus::generated;
  std::vector<std::string> flagReasons;
  int stars = 0;  // 0: not rated
};

class ReviewCommand : public QUndoCommand {
 public:
  // `after` changes the state it is given; the same change applies to every variant.
  ReviewCommand(ProjectSession& session, std::vector<int64_t> variantIds, std::string action,
                std::function<void(ReviewState&)> after, const QString& text);

  void redo() override;
  void undo() override;

 private:
  void write(int64_t id, const ReviewState& state, const std::string& action);

  ProjectSession& session_;
  std::vector<int64_t> ids_;
  std::string action_;
  std::vector<ReviewState> before_;
  std::vector<ReviewState> after_;
};

// The reviewer recorded with reviews, mask decisions and prompt approvals: Settings' "Your name",
// else the login name.
std::string currentReviewer();

}  // namespace backdrop::ui
