#include "ui/review_actions.h"

#include <QAction>
#include <QMenu>
#include <functional>

#include "ui/compare_view.h"
#include "ui/count_text.h"
#include "ui/variants_panel.h"

namespace backdrop::ui {
namespace {

QAction* addPanelAction(QMenu& menu, VariantsPanel& panel, const QString& text, const QList<QKeySequence>& keys,
                        const QString& name, const std::function<void()>& act) {
  QAction* action = menu.addAction(text);
  action->setObjectName(name);
  action->setShortcuts(keys);
  action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  panel.addAction(action);  // the shortcut's scope: the panel and its children
  QObject::connect(action, &QAction::triggered, &panel, act);
  return action;
}

}  // namespace

QList<QAction*> addReviewActions(QMenu& menu, VariantsPanel& panel) {
  VariantsPanel* p = &panel;
  QList<QAction*> actions{
      addPanelAction(menu, panel, QObject::tr("&Approve (Pick)"), {Qt::Key_P}, "reviewApprove", [p] { p->approve(); }),
      addPanelAction(menu, panel, QObject::tr("&Reject"), {Qt::Key_X}, "reviewReject", [p] { p->reject(); }),
      addPanelAction(menu, panel, QObject::tr("&Unflag"), {Qt::Key_U}, "reviewUnflag", [p] { p->unflag(); })};
  menu.addSeparator();
  for (int stars = 1; stars <= 5; ++stars) {
    actions << addPanelAction(menu, panel, countText(stars, QObject::tr("%1 Star"), QObject::tr("%1 Stars")),
                              {Qt::Key_0 + stars}, QString("reviewStars%1").arg(stars), [p, stars] { p->rate(stars); });
  }
  menu.addSeparator();
  actions << addPanelAction(menu, panel, QObject::tr("Flag an &Artifact…"), {Qt::Key_A}, "reviewFlag",
                            [p] { p->flagArtifact(); });
  actions << addPanelAction(menu, panel, QObject::tr("&Compare"), {Qt::Key_C}, "reviewCompare",
                            [p] { p->compareCurrent(); });
  return actions;
}

QList<QAction*> addLoupeViewActions(QMenu& menu, VariantsPanel& panel) {
  QAction* advance = menu.addAction(QObject::tr("Auto-&Advance After a Decision"));
  advance->setObjectName("reviewAutoAdvance");
  advance->setCheckable(true);
  advance->setChecked(panel.autoAdvance());
  QObject::connect(advance, &QAction::toggled, &panel, [p = &panel](bool on) { p->setAutoAdvance(on); });
  CompareView* loupe = panel.compare();
  return {addPanelAction(menu, panel, QObject::tr("Zoom &In"),
                         {QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn}, "loupeZoomIn",
                         [loupe] { loupe->zoomBy(1.25); }),
          addPanelAction(menu, panel, QObject::tr("Zoom &Out"), {QKeySequence::ZoomOut}, "loupeZoomOut",
                         [loupe] { loupe->zoomBy(0.8); }),
          addPanelAction(menu, panel, QObject::tr("&Fit"), {QKeySequence(Qt::CTRL | Qt::Key_0)}, "loupeFit",
                         [loupe] { loupe->fitAll(); })};
}

}  // namespace backdrop::ui
