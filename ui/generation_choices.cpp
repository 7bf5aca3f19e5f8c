#include "ui/generation_choices.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTimer>
#include <QtConcurrent>

#include "core/generation/plan_summary.h"
#include "core/imaging/colour_spec.h"
#include "core/store/project.h"
#include "ui/generation_run.h"
#include "ui/project_session.h"

namespace backdrop::ui {
namespace {

constexpr int kPlacementColumns = 4;
constexpr int kCountDelayMs = 300;  // a count per pause in typing, not per key

std::vector<std::string> colourList(const QString& text) {
  std::vector<std::string> colours;
  for (const auto& entry : text.split(',')) colours.push_back(entry.trimmed().toStdString());
  return colours;
}

}  // namespace

GenerationChoices::GenerationChoices(ProjectSession& session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* placements = new QGroupBox(tr("Placements"));
  placementBoxes_ = new QGridLayout(placements);
  colours_ = new QLineEdit(QStringLiteral("none"));
  colours_->setObjectName("colourChoices");
  colours_->setToolTip(
      tr("Comma-separated: none (no colour), palette or palette:N (the product's first N "
         "background suggestions), #rrggbb or a colour name. A prompt with its own colour keeps it."));
  seeds_ = new QSpinBox;
  seeds_->setObjectName("seedCount");
  seeds_->setRange(1, 16);
  seeds_->setValue(1);
  count_ = new QLabel;
  count_->setObjectName("planCount");
  count_->setWordWrap(true);
  countDelay_ = new QTimer(this);
  countDelay_->setSingleShot(true);
  countDelay_->setInterval(kCountDelayMs);

  auto* form = new QFormLayout;
  form->addRow(tr("Colours"), colours_);
  form->addRow(tr("Seeds per prompt"), seeds_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(placements);
  layout->addLayout(form);
  layout->addWidget(count_);

  connect(colours_, &QLineEdit::textChanged, this, &GenerationChoices::scheduleCount);
  connect(seeds_, &QSpinBox::valueChanged, this, &GenerationChoices::scheduleCount);
  connect(countDelay_, &QTimer::timeout, this, &GenerationChoices::count);
  connect(&counting_, &QFutureWatcher<QString>::finished, this, &GenerationChoices::showCount);
  connect(&session_, &ProjectSession::projectOpened, this, [this] {
    unchecked_.clear();
    reloadPlacements();
  });
  connect(&session_, &ProjectSession::productsChanged, this, &GenerationChoices::scheduleCount);
  connect(&session_, &ProjectSession::promptsChanged, this, &GenerationChoices::scheduleCount);
  reloadPlacements();
}

GenerationChoices::~GenerationChoices() = default;  // counting_ waits for a count in flight

void GenerationChoices::setProducts(const QStringList& productIds) {
  productIds_ = productIds;
  scheduleCount();
}

void GenerationChoices::reloadPlacements() {
  while (auto* item = placementBoxes_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  if (!session_.isOpen()) return;
  int index = 0;
  for (const auto& placement : session_.project().placements().list()) {
    auto* box = new QCheckBox(
        tr("%1 (%2×%3)").arg(QString::fromStdString(placement.name)).arg(placement.width).arg(placement.height));
    box->setObjectName(QStringLiteral("placement:%1").arg(QString::fromStdString(placement.name)));
    box->setChecked(!unchecked_.contains(placement.name));
    connect(box, &QCheckBox::toggled, this, [this, name = placement.name](bool checked) {
      if (checked) {
        unchecked_.erase(name);
      } else {
        unchecked_.insert(name);
      }
      scheduleCount();
    });
    placementBoxes_->addWidget(box, index / kPlacementColumns, index % kPlacementColumns);
    ++index;
  }
  scheduleCount();
}

void GenerationChoices::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  reloadPlacements();
}

// The project's placements as they are now, less those unchecked: one removed elsewhere (the CLI,
// another window) is never asked for.
std::vector<std::string> GenerationChoices::checkedPlacements() const {
  std::vector<std::string> names;
  if (!session_.isOpen()) return names;
  for (const auto& placement : session_.project().placements().list()) {
    if (!unchecked_.contains(placement.name)) names.push_back(placement.name);
  }
  return names;
}

bool GenerationChoices::fillRequest(RunRequest& request, QString& why) const {
  auto& choices = request.choices;
  choices.placements = checkedPlacements();
  choices.colours = colourList(colours_->text());
  choices.seeds = seeds_->value();
  if (choices.placements.empty()) {
    why = tr("Choose at least one placement.");
    return false;
  }
  try {
    for (const auto& colour : choices.colours) imaging::parse_colour_spec(colour);
  } catch (const std::invalid_argument& error) {
    why = QString::fromStdString(error.what());
    return false;
  }
  return true;
}

void GenerationChoices::scheduleCount() {
  countDelay_->start();
}

void GenerationChoices::count() {
  if (!session_.isOpen()) return;
  if (counting_.isRunning()) {
    recount_ = true;  // counted again when this one ends: a watcher never drops a running task
    return;
  }
  RunRequest request;
  request.projectFile = session_.file().toStdString();
  for (const auto& id : productIds_) request.choices.products.push_back(id.toStdString());
  QString why;
  const bool plannable = fillRequest(request, why);
  emit validityChanged(plannable);
  if (!plannable) {
    count_->setText(why);
    return;
  }
  count_->setText(tr("Counting variants…"));
  counting_.setFuture(QtConcurrent::run([request]() -> QString {
    try {
      auto project = Project::open(request.projectFile);  // this thread's own connection
      const auto plan = planRun(project, request);
      return QString::fromStdString(describe_plan(summarize_plan(plan))) +
             heldBackNote(project, request.choices.products);
    } catch (const std::exception& error) {
      return tr("Cannot plan: %1").arg(QString::fromStdString(error.what()));
    }
  }));
}

void GenerationChoices::showCount() {
  count_->setText(counting_.result());
  if (recount_) {
    recount_ = false;
    count();
  }
}

}  // namespace backdrop::ui
