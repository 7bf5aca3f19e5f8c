#pragma once
// One mask edit in the product view (a brush stroke, a box's mask), undoable on the Studio's
// undo stack. Undo puts back the exact pixels from before, redo those from after. An edit whose
// mask is no longer shown (another product was opened, or the mask was reloaded) has nothing to
// act on: it makes itself obsolete, and the stack drops it.

#include <QPointer>
#include <QUndoCommand>

#include "ui/mask_editor.h"

namespace backdrop::ui {

class MaskEditCommand : public QUndoCommand {
 public:
  MaskEditCommand(MaskEditor& editor, MaskEdit edit);

  void redo() override;
  void undo() override;

 private:
  void put(const QImage& pixels);

  QPointer<MaskEditor> editor_;
  MaskEdit edit_;
};

}  // namespace backdrop::ui
