#pragma once
// The review's menu entries, so the keys can be found where the actions are: the Review menu (P
// approve, X reject, U unflag, 1-5 stars, A flag an artifact, C compare) and the View menu's
// auto-advance toggle and loupe zoom. Their shortcuts work while the focus is in the variants panel
// (Qt::WidgetWithChildrenShortcut): never while another tab is shown, and a text field keeps the
// letters typed into it. Each acts on the panel's current variant, the one its loupe shows.

#include <QList>

class QAction;
class QMenu;

namespace backdrop::ui {

class VariantsPanel;

// Adds the review actions to `menu` (and to `panel`, whose focus scope their shortcuts use);
// returns them, to be enabled while the panel is shown.
QList<QAction*> addReviewActions(QMenu& menu, VariantsPanel& panel);

// Adds "Auto-Advance" (checkable, remembered) and zoom in / zoom out / fit of the loupe to `menu`.
QList<QAction*> addLoupeViewActions(QMenu& menu, VariantsPanel& panel);

}  // namespace backdrop::ui
