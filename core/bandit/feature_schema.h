#pragma once
// The declared context features of a bandit: which raw values (of the user, the product or the
// placement) become which columns of the context vector. Training, evaluation, export and serving
// all encode through the same schema object, saved with the priors, so a context means the same
// thing everywhere.
//
// Encodings: one-hot over known levels (optionally with the first level dropped, as pandas'
// get_dummies(drop_first=True) in Open Bandit Pipeline's default pre-processing), hashed
// categorical (FNV-1a into a fixed number of buckets) and numeric (the value as is).

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace backdrop::bandit {

class FeatureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class FeatureSource { user, product, placement };
enum class FeatureEncoding { one_hot, hashed, numeric };

std::string_view to_string(FeatureSource source);
std::string_view to_string(FeatureEncoding encoding);

struct FeatureSpec {
  std::string name;
  FeatureSource source = FeatureSource::user;
  FeatureEncoding encoding = FeatureEncoding::one_hot;
  std::vector<std::string> levels;  // one_hot: the known values, sorted; others encode as zeros
  bool drop_first = false;          // one_hot: the first level has no column (all zeros)
  int buckets = 0;                  // hashed: number of columns

  int width() const;
  bool operator==(const FeatureSpec&) const = default;
};

// A one-hot feature whose levels are the distinct `observed` values, sorted bytewise.
FeatureSpec one_hot_feature(std::string name, FeatureSource source, std::vector<std::string> observed,
                            bool drop_first);

class FeatureSchema {
 public:
  FeatureSchema() = default;
  // Throws FeatureError on duplicate names, unsorted or duplicate levels, or zero buckets.
  explicit FeatureSchema(std::vector<FeatureSpec> features);

  const std::vector<FeatureSpec>& features() const { return features_; }
  int dimension() const { return dimension_; }
  std::optional<std::size_t> find(std::string_view name) const;
  // Column names: <feature>_<level> (pandas' get_dummies naming), <feature>#<bucket>, <feature>.
  std::vector<std::string> column_names() const;

  // `raw` has one value per feature in schema order (numbers as text for numeric features);
  // `out` has dimension() entries. Unknown levels encode as zeros. Throws FeatureError when a
  // numeric value does not parse.
  void encode(std::span<const std::string_view> raw, std::span<double> out) const;

  nlohmann::json to_json() const;
  // Throws FeatureError naming the offending key.
  static FeatureSchema from_json(const nlohmann::json& json);

  bool operator==(const FeatureSchema& other) const { return features_ == other.features_; }

 private:
  std::vector<FeatureSpec> features_;
  std::vector<int> offsets_;
  int dimension_ = 0;
};

// FNV-1a, 64 bits: a stable hash for hashed categorical features (same buckets on every platform).
uint64_t stable_hash(std::string_view text);

// Parses a whole field as a double (correctly rounded); nullopt when it is not a number.
std::optional<double> parse_double(std::string_view text);
std::optional<long long> parse_integer(std::string_view text);

}  // namespace backdrop::bandit
