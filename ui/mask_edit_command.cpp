#include "ui/mask_edit_command.h"

namespace backdrop::ui {

MaskEditCommand::MaskEditCommand(MaskEditor& editor, MaskEdit edit)
    : QUndoCommand(edit.text), editor_(&editor), edit_(std::move(edit)) {}

// The first redo, when the command is pushed, puts back what the editor already shows.
void MaskEditCommand::redo() {
  put(edit_.after);
}

void MaskEditCommand::undo() {
  put(edit_.before);
}

void MaskEditCommand::put(const QImage& pixels) {
  if (!editor_ || editor_->document() != edit_.document) {
    setObsolete(true);
    return;
  }
  editor_->putMaskPixels(edit_.topLeft, pixels);
}

}  // namespace backdrop::ui
