#include "core/bandit/obd_dataset.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/bandit/numpy_sort.h"
#include "core/common/csv_reader.h"

namespace backdrop::bandit {
namespace {

constexpr int64_t kProgressEvery = 4096;

struct ObdColumns {
  std::size_t index = 0;  // the unnamed first column
  std::size_t timestamp, item_id, position, click, pscore;
  std::vector<std::size_t> user_features;
  std::vector<std::size_t> affinities;
  std::vector<std::string> user_feature_names, affinity_names;
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

ObdColumns find_columns(const std::vector<std::string>& header, const std::string& origin) {
  const CsvHeader names(header);
  ObdColumns columns{0,
                     names.require("timestamp", origin),
                     names.require("item_id", origin),
                     names.require("position", origin),
                     names.require("click", origin),
                     names.require("propensity_score", origin),
                     {},
                     {},
                     {},
                     {}};
  std::set<std::string> features;
  for (std::size_t c = 0; c < header.size(); ++c) {
    // Each feature column becomes a feature of the schema, which has one of each name.
    const bool feature = starts_with(header[c], "user_feature") || starts_with(header[c], "user-item_affinity");
    if (feature && !features.insert(header[c]).second) {
      throw LogError(origin + ": column '" + header[c] + "' appears more than once");
    }
    if (starts_with(header[c], "user_feature")) {
      columns.user_features.push_back(c);
      columns.user_feature_names.push_back(header[c]);
    } else if (starts_with(header[c], "user-item_affinity")) {
      columns.affinities.push_back(c);
      columns.affinity_names.push_back(header[c]);
    }
  }
  return columns;
}

// One parsed row before the context is encoded (the one-hot levels are known only at the end).
struct RawRow {
  int64_t index;
  std::string timestamp;
  int action, position;
  double reward, pscore;
  std::vector<std::string> user_features;
  std::vector<std::string> affinities;  // validated numbers, kept as text for FeatureSchema::encode
};

// nullopt and `error` set when the row is unusable.
std::optional<RawRow> parse_row(const std::vector<std::string>& fields, const ObdColumns& columns,
                                std::size_t n_columns, int64_t ordinal, std::string& error) {
  if (fields.size() != n_columns) {
    error = "has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(n_columns);
    return std::nullopt;
  }
  const auto item = parse_integer(fields[columns.item_id]);
  const auto position = parse_integer(fields[columns.position]);
  const auto click = parse_double(fields[columns.click]);
  const auto pscore = parse_double(fields[columns.pscore]);
  if (!item || *item < 0 || *item > kMaxArmIndex) {
    error = "item_id '" + fields[columns.item_id] + "' is not an index in [0, " + std::to_string(kMaxArmIndex) + "]";
  } else if (!position || *position < 1 || *position > kMaxSlotIndex + 1) {
    error = "position '" + fields[columns.position] + "' is not an integer in [1, " +
            std::to_string(kMaxSlotIndex + 1) + "]";
  } else if (!click || (*click != 0.0 && *click != 1.0)) {
    error = "click '" + fields[columns.click] + "' is not 0 or 1";
  } else if (!pscore || !(*pscore > 0.0 && *pscore <= 1.0)) {
    error = "propensity_score '" + fields[columns.pscore] + "' is not in (0, 1]";
  } else if (fields[columns.timestamp].empty()) {
    error = "empty timestamp";
  }
  if (!error.empty()) return std::nullopt;

  RawRow row{parse_integer(fields[columns.index]).value_or(ordinal), fields[columns.timestamp],
             static_cast<int>(*item), static_cast<int>(*position - 1), *click, *pscore, {}, {}};
  for (const auto c : columns.user_features) row.user_features.push_back(fields[c]);
  for (const auto c : columns.affinities) {
    if (!parse_double(fields[c])) {
      error = "affinity '" + fields[c] + "' is not a number";
      return std::nullopt;
    }
    row.affinities.push_back(fields[c]);
  }
  return row;
}

FeatureSchema obp_default_schema(const ObdColumns& columns, const std::vector<RawRow>& rows, bool with_affinities) {
  std::vector<FeatureSpec> specs;
  for (std::size_t f = 0; f < columns.user_features.size(); ++f) {
    std::vector<std::string> observed;
    for (const auto& row : rows) observed.push_back(row.user_features[f]);
    specs.push_back(one_hot_feature(columns.user_feature_names[f], FeatureSource::user, std::move(observed), true));
  }
  if (with_affinities) {
    for (const auto& name : columns.affinity_names) {
      specs.push_back({name, FeatureSource::user, FeatureEncoding::numeric, {}, false, 0});
    }
  }
  return FeatureSchema(std::move(specs));
}

}  // namespace

ObdCampaign load_obd_campaign(const std::filesystem::path& csv, const ObdImportOptions& options) {
  std::vector<RawRow> rows;
  ObdCampaign campaign;
  ObdColumns columns;
  try {
    CsvReader reader(csv);
    std::vector<std::string> fields;
    if (!reader.next(fields)) throw LogError(csv.string() + ": empty file");
    const std::size_t n_columns = fields.size();
    columns = find_columns(fields, csv.string());
    int64_t ordinal = 0;
    while (reader.next(fields)) {
      if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
      std::string error;
      if (auto row = parse_row(fields, columns, n_columns, ordinal, error)) {
        rows.push_back(std::move(*row));
      } else {
        campaign.skipped.push_back({reader.record_line(), error});
      }
      if (++ordinal % kProgressEvery == 0) {
        options.cancel.throw_if_cancelled();
        if (options.progress) options.progress({ordinal, 0, "reading " + csv.filename().string()});
      }
    }
  } catch (const CsvError& error) {
    throw LogError(error.what());
  }

  std::vector<std::string> timestamps;
  timestamps.reserve(rows.size());
  for (const auto& row : rows) timestamps.push_back(row.timestamp);
  std::vector<int64_t> order(rows.size());
  if (options.obp_row_order) {
    order = numpy_quicksort_argsort(timestamps);
  } else {
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  }

  campaign.schema = obp_default_schema(columns, rows, options.with_affinities);
  auto& feedback = campaign.feedback;
  const auto n = static_cast<Eigen::Index>(rows.size());
  feedback.context.resize(n, campaign.schema.dimension());
  std::vector<std::string_view> raw(campaign.schema.features().size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const RawRow& row = rows[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
    std::size_t f = 0;
    for (const auto& value : row.user_features) raw[f++] = value;
    if (options.with_affinities) {
      for (const auto& value : row.affinities) raw[f++] = value;
    }
    campaign.schema.encode(raw, {feedback.context.row(i).data(), static_cast<std::size_t>(feedback.context.cols())});
    feedback.action.push_back(row.action);
    feedback.position.push_back(row.position);
    feedback.reward.push_back(row.reward);
    feedback.pscore.push_back(row.pscore);
    campaign.file_row_index.push_back(row.index);
    campaign.timestamp.push_back(row.timestamp);
    feedback.n_arms = std::max(feedback.n_arms, row.action + 1);
    feedback.len_list = std::max(feedback.len_list, row.position + 1);
  }
  return campaign;
}

Eigen::MatrixXd load_obd_item_context(const std::filesystem::path& csv) {
  try {
    CsvReader reader(csv);
    std::vector<std::string> fields;
    if (!reader.next(fields)) throw LogError(csv.string() + ": empty file");
    const std::size_t n_columns = fields.size();
    const CsvHeader header(fields);
    const auto item_column = header.require("item_id", csv.string());
    const auto numeric_column = header.require("item_feature_0", csv.string());
    std::vector<std::size_t> categorical_columns;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (starts_with(fields[c], "item_feature") && c != numeric_column) categorical_columns.push_back(c);
    }
    std::map<int, std::vector<std::string>> items;
    while (reader.next(fields)) {
      const auto item = fields.size() == n_columns ? parse_integer(fields[item_column]) : std::nullopt;
      if (!item || *item < 0 || *item > kMaxArmIndex) {
        throw LogError(csv.string() + ":" + std::to_string(reader.record_line()) + ": bad item row");
      }
      items[static_cast<int>(*item)] = fields;
    }
    const int n_items = items.empty() ? 0 : items.rbegin()->first + 1;
    if (static_cast<int>(items.size()) != n_items) throw LogError(csv.string() + ": item ids are not 0.." + std::to_string(n_items - 1));
    Eigen::MatrixXd context(n_items, static_cast<Eigen::Index>(categorical_columns.size()) + 1);
    for (std::size_t j = 0; j < categorical_columns.size(); ++j) {
      std::vector<std::string> values;
      for (const auto& [item, row] : items) values.push_back(row[categorical_columns[j]]);
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      for (const auto& [item, row] : items) {
        const auto level = std::lower_bound(values.begin(), values.end(), row[categorical_columns[j]]) - values.begin();
        context(item, static_cast<Eigen::Index>(j)) = static_cast<double>(level);
      }
    }
    for (const auto& [item, row] : items) {
      const auto value = parse_double(row[numeric_column]);
      if (!value) throw LogError(csv.string() + ": item " + std::to_string(item) + " has a non-numeric item_feature_0");
      context(item, context.cols() - 1) = *value;
    }
    return context;
  } catch (const CsvError& error) {
    throw LogError(error.what());
  }
}

}  // namespace backdrop::bandit
