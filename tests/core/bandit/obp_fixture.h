#pragma once
// Access to the Open Bandit Pipeline fixtures of one campaign: the reference JSON, the arrays of
// obp's OPE run, and the campaign's logs. Folders come from BACKDROP_BANDIT_FIXTURES and
// BACKDROP_OBD_DATA, the campaign name from BACKDROP_OBD_CAMPAIGN (default "men").

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/loaders/safetensors.h"
#include "support/test_data.h"

namespace backdrop::test {

inline std::string obd_campaign() {
  const char* value = std::getenv("BACKDROP_OBD_CAMPAIGN");
  return (value != nullptr && *value != '\0') ? value : "men";
}

struct ObpFixture {
  std::string campaign = obd_campaign();
  std::filesystem::path data = obd_data();
  nlohmann::json reference;
  std::shared_ptr<const models::SafetensorsFile> arrays;

  ObpFixture() {
    const auto dir = bandit_fixtures();
    std::ifstream in(dir / ("obp_" + campaign + ".json"));
    if (!in) throw std::runtime_error("cannot open " + (dir / ("obp_" + campaign + ".json")).string());
    reference = nlohmann::json::parse(in);
    arrays = models::SafetensorsFile::open(dir / ("obp_" + campaign + "_arrays.safetensors"));
  }

  std::filesystem::path log(const std::string& policy) const { return data / policy / (campaign + ".csv"); }
  std::filesystem::path item_context(const std::string& policy) const {
    return data / policy / (campaign + "_item_context.csv");
  }

  // A tensor's values converted to T, checking the stored dtype.
  template <typename T, typename Stored>
  std::vector<T> values(const std::string& name, models::DType dtype) const {
    const auto& view = arrays->tensor(name);
    if (view.dtype != dtype) throw std::runtime_error(name + ": unexpected dtype");
    std::vector<Stored> stored(static_cast<std::size_t>(view.numel()));
    std::memcpy(stored.data(), view.bytes.data(), stored.size() * sizeof(Stored));
    return std::vector<T>(stored.begin(), stored.end());
  }
  std::vector<double> f64(const std::string& name) const { return values<double, double>(name, models::DType::F64); }
  std::vector<int64_t> i64(const std::string& name) const { return values<int64_t, int64_t>(name, models::DType::I64); }
  std::vector<double> u8(const std::string& name) const { return values<double, uint8_t>(name, models::DType::U8); }
  std::vector<int64_t> shape(const std::string& name) const { return arrays->tensor(name).shape; }
};

}  // namespace backdrop::test
