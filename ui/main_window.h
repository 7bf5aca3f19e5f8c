#pragma once
// Backdrop Studio's main window: the catalogue on the left, the selected product on the right,
// and a status bar that says what the engine runs on.

#include <QMainWindow>
#include <memory>

namespace backdrop {
struct Catalog;
}

namespace backdrop::ui {

class CataloguePanel;
class ProductPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a catalogue CSV; returns false (and tells the user why) when it cannot be read.
  bool openCatalogue(const QString& path);

 private:
  void buildMenus();
  void chooseCatalogue();
  void showProduct(const QString& productId);
  void showAbout();

  CataloguePanel* catalogue_ = nullptr;
  ProductPanel* product_ = nullptr;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace backdrop::ui
