#pragma once
// The selected product: its photo and catalogue details.

#include <QWidget>

class QLabel;
class QStackedWidget;

namespace backdrop {
struct Product;
}

namespace backdrop::ui {

class ProductPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ProductPanel(QWidget* parent = nullptr);

  void showProduct(const Product& product);
  void clear();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  QWidget* buildEmptyState();
  QWidget* buildDetails();
  void updatePhoto();

  QStackedWidget* pages_ = nullptr;
  QLabel* photo_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* details_ = nullptr;
  QImage image_;
};

}  // namespace backdrop::ui
