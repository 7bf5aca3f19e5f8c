#include "core/serving/request_body.h"

#include <string>

#include "core/serving/serving_errors.h"

namespace backdrop::serving {
namespace {

using nlohmann::json;

// The string field `name`; throws BadRequest when it is missing or not a string.
std::string_view string_field(const json& body, const char* name) {
  const auto found = body.find(name);
  if (found == body.end()) throw BadRequest(std::string("missing field '") + name + "'");
  if (!found->is_string()) throw BadRequest(std::string("field '") + name + "' must be a string");
  return found->get_ref<const std::string&>();
}

}  // namespace

json parse_request_body(std::string_view body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) throw BadRequest("malformed JSON");
  if (!parsed.is_object()) throw BadRequest("the body must be a JSON object");
  return parsed;
}

DecideFields decide_fields(const json& body) {
  const auto context = body.find("context");
  if (context == body.end()) throw BadRequest("missing field 'context'");
  if (!context->is_object()) throw BadRequest("field 'context' must be an object");
  DecideFields fields;
  fields.category = string_field(body, "category");
  fields.product = string_field(body, "product");
  fields.placement = string_field(body, "placement");
  fields.context = &*context;
  return fields;
}

FeedbackFields feedback_fields(const json& body) {
  FeedbackFields fields;
  fields.decision = string_field(body, "decision");
  const auto clicked = body.find("clicked");
  if (clicked == body.end()) throw BadRequest("missing field 'clicked'");
  if (!clicked->is_boolean()) throw BadRequest("field 'clicked' must be true or false");
  fields.clicked = clicked->get<bool>();
  return fields;
}

}  // namespace backdrop::serving
