#include "ui/product_panel.h"

#include <QImageReader>
#include <QLabel>
#include <QResizeEvent>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "core/catalog/catalog.h"

namespace backdrop::ui {

ProductPanel::ProductPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("productPanel");
  pages_ = new QStackedWidget(this);
  pages_->addWidget(buildEmptyState());
  pages_->addWidget(buildDetails());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(pages_);
}

QWidget* ProductPanel::buildEmptyState() {
  auto* label = new QLabel(tr("<h3>No product selected</h3>"
                              "<p>Choose a product in the catalogue to see its photo and details.</p>"));
  label->setObjectName("productEmptyState");
  label->setAlignment(Qt::AlignCenter);
  label->setWordWrap(true);
  return label;
}

QWidget* ProductPanel::buildDetails() {
  auto* page = new QWidget;
  photo_ = new QLabel;
  photo_->setObjectName("productPhoto");
  photo_->setAlignment(Qt::AlignCenter);
  photo_->setMinimumSize(200, 200);
  photo_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
  title_ = new QLabel;
  title_->setObjectName("productTitle");
  title_->setWordWrap(true);
  details_ = new QLabel;
  details_->setObjectName("productDetails");
  details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  details_->setWordWrap(true);

  auto* layout = new QVBoxLayout(page);
  layout->addWidget(photo_, 1);
  layout->addWidget(title_);
  layout->addWidget(details_);
  return page;
}

void ProductPanel::showProduct(const Product& product) {
  QImageReader reader(QString::fromStdString(product.image.string()));
  reader.setAutoTransform(true);
  image_ = reader.read();
  title_->setText("<h3>" + QString::fromStdString(product.title).toHtmlEscaped() + "</h3>");
  QString details = tr("Product %1 · %2").arg(QString::fromStdString(product.id), QString::fromStdString(product.category));
  if (image_.isNull()) {
    details += "\n" + tr("The photo cannot be read: %1").arg(reader.errorString());
  } else {
    details += "\n" + tr("%1 × %2 pixels · %3")
                          .arg(image_.width())
                          .arg(image_.height())
                          .arg(QString::fromStdString(product.image.filename().string()));
  }
  details_->setText(details);
  pages_->setCurrentIndex(1);
  updatePhoto();
}

void ProductPanel::clear() {
  image_ = QImage();
  pages_->setCurrentIndex(0);
}

void ProductPanel::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  updatePhoto();
}

void ProductPanel::updatePhoto() {
  if (image_.isNull() || photo_->width() <= 0 || photo_->height() <= 0) {
    photo_->clear();
    return;
  }
  photo_->setPixmap(QPixmap::fromImage(image_.scaled(photo_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace backdrop::ui
