// backdrop-serve's request bodies: what a decide or feedback body must hold, and the 400 message
// each defect gets.

#include <doctest/doctest.h>

#include <string>

#include "core/serving/request_body.h"
#include "core/serving/serving_errors.h"

using namespace backdrop::serving;

namespace {

std::string decide_error(const std::string& body) {
  try {
    (void)decide_fields(parse_request_body(body));
  } catch (const BadRequest& error) {
    return error.what();
  }
  return "";
}

std::string feedback_error(const std::string& body) {
  try {
    (void)feedback_fields(parse_request_body(body));
  } catch (const BadRequest& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a decide body gives its fields, pointing into the parsed body") {
  const auto body =
      parse_request_body(R"({"category":"apparel","product":"p1","placement":"square","context":{"user":{}}})");
  const auto fields = decide_fields(body);
  CHECK(fields.category == "apparel");
  CHECK(fields.product == "p1");
  CHECK(fields.placement == "square");
  REQUIRE(fields.context != nullptr);
  CHECK(*fields.context == nlohmann::json{{"user", nlohmann::json::object()}});
}

TEST_CASE("a defective decide body is a BadRequest naming the defect") {
  CHECK(decide_error("{\"category\":") == "malformed JSON");
  CHECK(decide_error("[1, 2]") == "the body must be a JSON object");
  CHECK(decide_error(R"({"category":"a","product":"b","placement":"c"})") == "missing field 'context'");
  CHECK(decide_error(R"({"category":"a","product":"b","placement":"c","context":[]})") ==
        "field 'context' must be an object");
  CHECK(decide_error(R"({"product":"b","placement":"c","context":{}})") == "missing field 'category'");
  CHECK(decide_error(R"({"category":1,"product":"b","placement":"c","context":{}})") ==
        "field 'category' must be a string");
  CHECK(decide_error(R"({"category":"a","product":"b","context":{}})") == "missing field 'placement'");
}

TEST_CASE("a feedback body gives the decision and whether it was clicked") {
  const auto body = parse_request_body(R"({"decision":"d-1","clicked":false})");
  const auto fields = feedback_fields(body);
  CHECK(fields.decision == "d-1");
  CHECK_FALSE(fields.clicked);
  CHECK(feedback_fields(parse_request_body(R"({"decision":"d-2","clicked":true})")).clicked);
}

TEST_CASE("a defective feedback body is a BadRequest naming the defect") {
  CHECK(feedback_error("") == "malformed JSON");
  CHECK(feedback_error("\"d-1\"") == "the body must be a JSON object");
  CHECK(feedback_error(R"({"clicked":true})") == "missing field 'decision'");
  CHECK(feedback_error(R"({"decision":"d-1"})") == "missing field 'clicked'");
  CHECK(feedback_error(R"({"decision":"d-1","clicked":1})") == "field 'clicked' must be true or false");
}
