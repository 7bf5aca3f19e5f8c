#pragma once
// What has happened to each product so far, for the catalogue's badges: prepared (its mask is
// there), mask needs attention (held back until accepted), generated (variants exist), flagged and
// approved (at least one variant each).

#include <QMap>
#include <QString>

namespace backdrop::ui {

class ProjectSession;

struct ProductStatus {
  bool prepared = false;
  bool maskNeedsAttention = false;
  int generated = 0;
  int flagged = 0;
  int approved = 0;
  QString badges() const;  // "prepared · mask needs attention · 4 variants · 1 flagged · 2 approved"
  int rank() const;        // for sorting by progress: approved > flagged > generated > prepared
};

QMap<QString, ProductStatus> productStatuses(ProjectSession& session);

}  // namespace backdrop::ui
