#include "ui/product_status.h"

#include <QStringList>
#include <filesystem>

#include "core/imaging/product_segmentation.h"
#include "core/store/project.h"
#include "ui/count_text.h"
#include "ui/project_session.h"

namespace backdrop::ui {

QString ProductStatus::badges() const {
  QStringList parts;
  parts << (prepared ? QObject::tr("prepared") : QObject::tr("not prepared"));
  if (maskNeedsAttention) parts << QObject::tr("mask needs attention");
  if (generated > 0) parts << countText(generated, QObject::tr("%1 variant"), QObject::tr("%1 variants"));
  if (flagged > 0) parts << QObject::tr("%1 flagged").arg(flagged);
  if (approved > 0) parts << QObject::tr("%1 approved").arg(approved);
  return parts.join(" · ");
}

int ProductStatus::rank() const {
  if (approved > 0) return 4;
  if (flagged > 0) return 3;
  if (generated > 0) return 2;
  return prepared ? 1 : 0;
}

QMap<QString, ProductStatus> productStatuses(ProjectSession& session) {
  QMap<QString, ProductStatus> statuses;
  const std::filesystem::path cache = session.cacheDir().toStdString();
  for (const auto& product : session.project().products().list()) {
    statuses[QString::fromStdString(product.external_id)].prepared =
        std::filesystem::exists(imaging::product_mask_path(cache, product.external_id));
  }
  for (const auto& mask : session.project().masks().held_back()) {
    statuses[QString::fromStdString(mask.product)].maskNeedsAttention = true;
  }
  for (const auto& variant : session.project().variants().list()) {
    ProductStatus& status = statuses[QString::fromStdString(variant.product_external_id)];
    ++status.generated;
    if (variant.status == VariantStatus::flagged) ++status.flagged;
    if (variant.status == VariantStatus::approved) ++status.approved;
  }
  return statuses;
}

}  // namespace backdrop::ui
