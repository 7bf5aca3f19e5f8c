#pragma once
// The verdict on each product's mask: how it was made, how far it can be trusted and why not, and
// whether a person has accepted or painted it. A mask that needs attention holds its product back
// from generation and from push bundles until a person accepts or repaints it.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace backdrop {

class Database;

enum class MaskStatus {
  automatic,        // "auto": computed and confident
  needs_attention,  // computed, below the confidence threshold: held back
  accepted,         // computed, then accepted by a person as it is
  hand_drawn,       // painted or repaired by a person
};

std::string mask_status_name(MaskStatus status);
// Throws StoreError for an unknown name.
MaskStatus mask_status_from_name(const std::string& name);

struct StoredMask {
  std::string product;  // the product's external id
  std::string method;   // segmentation method name ("plain-background", "learned", ...)
  double confidence = 0;
  std::vector<std::string> reasons;  // why it needs attention, for people
  MaskStatus status = MaskStatus::automatic;
  std::string decided_by;  // who accepted or painted it; empty for computed masks
  std::string decided_at;  // UTC timestamp of that decision
  std::string updated_at;

  bool held_back() const { return status == MaskStatus::needs_attention; }
};

class MaskRepository {
 public:
  explicit MaskRepository(Database& database) : database_(database) {}

  // Records a computed mask (status auto or needs-attention), replacing any earlier verdict.
  // Throws StoreError when the product is not in the catalogue.
  void record_computed(const std::string& product, const std::string& method, double confidence,
                       const std::vector<std::string>& reasons, bool needs_attention);
  // A person accepted the recorded mask as it is; throws StoreError when there is none.
  void accept(const std::string& product, const std::string& person);
  // A person painted the mask; creates the record when there is none.
  void record_hand_drawn(const std::string& product, const std::string& person);

  std::optional<StoredMask> find(const std::string& product);
  std::map<std::string, StoredMask> list();  // by product
  // The masks that hold their products back, by product.
  std::vector<StoredMask> held_back();

 private:
  void set_decision(const std::string& product, MaskStatus status, const std::string& person);
  int64_t product_row(const std::string& product);

  Database& database_;
};

}  // namespace backdrop
