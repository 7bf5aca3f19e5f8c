// An experiment plan is a file people write: a defect is a PlanError naming the file (the JSON
// number overflow fuzz_bundle_json found in every reader that caught only parse_error).

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "core/experiment/experiment_plan.h"
#include "support/test_data.h"

using namespace backdrop::experiment;

TEST_CASE("a plan with a number beyond double's range is not valid JSON") {
  const auto path = backdrop::test::scratch_dir("experiment-plan-input") / "plan.json";
  std::ofstream(path) << R"({"experiments": [{"traffic": 1e309}]})";
  try {
    (void)read_plan_file(path);
    FAIL("no error");
  } catch (const PlanError& error) {
    const std::string message = error.what();
    CHECK(message.find("not valid JSON") != std::string::npos);
    CHECK(message.find("number overflow") != std::string::npos);
  }
}
