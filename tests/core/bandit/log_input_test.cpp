// Impression logs and Open Bandit Dataset CSVs are files: an arm or slot index that is not a small
// non-negative integer is a skipped row with its line, never undefined behaviour or a policy sized
// for billions of arms (findings of fuzz_impression_jsonl and fuzz_obd_csv).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "core/bandit/impression_log.h"
#include "core/bandit/obd_dataset.h"
#include "support/test_data.h"

using namespace backdrop::bandit;

namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = backdrop::test::scratch_dir("bandit-log-input") / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("impressions with an arm or position outside the index range are skipped") {
  const auto path =
      write_file("log.jsonl", R"({"event":"impression","decision":"a","arm":2147483647,"propensity":0.5})"
                              "\n"
                              R"({"event":"impression","decision":"b","arm":0,"position":1e30,"propensity":0.5})"
                              "\n"
                              R"({"event":"impression","decision":"c","arm":18446744073709551615,"propensity":0.5})"
                              "\n"
                              R"({"event":"impression","decision":"d","arm":1,"position":2,"propensity":0.5})"
                              "\n"
                              R"({"event":"click","decision":"d","position":4294967298})"
                              "\n"
                              R"({"event":"click","decision":"d","position":2})"
                              "\n");
  const auto log = load_impression_log(path);
  REQUIRE(log.feedback.size() == 1);
  CHECK(log.decision[0] == "d");
  CHECK(log.feedback.n_arms == 2);
  CHECK(log.feedback.len_list == 3);
  CHECK(log.feedback.reward[0] == 1.0);
  REQUIRE(log.skipped.size() == 4);
  CHECK(log.skipped[0].line == 1);
  CHECK(log.skipped[0].message == "impression without an 'arm' index in [0, 99999]");
  CHECK(log.skipped[1].line == 2);
  CHECK(log.skipped[1].message == "'position' is not a slot index in [0, 999]");
  CHECK(log.skipped[2].line == 3);
  CHECK(log.skipped[3].line == 5);
  CHECK(log.skipped[3].message == "click: 'position' is not a slot index in [0, 999]");
}

TEST_CASE("OBD rows with an item id or position outside the index range are skipped") {
  const auto path = write_file("campaign.csv",
                               ",timestamp,item_id,position,click,propensity_score,user_feature_0\n"
                               "0,2019-11-24 00:00:16+00:00,2147483647,1,0,0.5,a\n"
                               "1,2019-11-24 00:00:17+00:00,1,2147483648,0,0.5,a\n"
                               "2,2019-11-24 00:00:18+00:00,1,2,1,0.5,b\n");
  const auto campaign = load_obd_campaign(path);
  REQUIRE(campaign.feedback.size() == 1);
  CHECK(campaign.feedback.n_arms == 2);
  CHECK(campaign.feedback.len_list == 2);
  REQUIRE(campaign.skipped.size() == 2);
  CHECK(campaign.skipped[0].message.find("item_id '2147483647' is not an index in [0, 99999]") != std::string::npos);
  CHECK(campaign.skipped[1].message.find("position '2147483648' is not an integer in [1, 1000]") != std::string::npos);
}

TEST_CASE("an item context with an item id beyond the index range is refused") {
  const auto path = write_file("items.csv", ",item_id,item_feature_0\n0,0,0.5\n1,2147483647,0.25\n");
  CHECK_THROWS_WITH_AS(load_obd_item_context(path), (path.string() + ":3: bad item row").c_str(), LogError);
}

TEST_CASE("an OBD CSV naming a feature column twice is refused with the column's name") {
  const auto path = write_file("twice.csv",
                               ",timestamp,item_id,position,click,propensity_score,user_feature_0,user_feature_0\n"
                               "0,2019-11-24 00:00:16+00:00,1,1,0,0.5,a,b\n");
  CHECK_THROWS_WITH_AS(load_obd_campaign(path),
                       (path.string() + ": column 'user_feature_0' appears more than once").c_str(), LogError);
}
