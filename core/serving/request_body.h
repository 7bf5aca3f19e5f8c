#pragma once
// The bodies of backdrop-serve's POST requests, parsed and checked before the engine sees them:
//
//   /v1/decide   {"category": string, "product": string, "placement": string, "context": object}
//   /v1/feedback {"decision": string, "clicked": true|false}
//
// Every defect is a BadRequest naming the field; the HTTP layer answers it with 400. Kept apart
// from the HTTP library so that the parsing is tested and fuzzed on its own.

#include <string_view>

#include <nlohmann/json.hpp>

namespace backdrop::serving {

// The body as a JSON object; throws BadRequest ("malformed JSON", "the body must be a JSON object").
nlohmann::json parse_request_body(std::string_view body);

// The fields of a decide body; the views point into `body`, which must outlive them.
struct DecideFields {
  std::string_view category;
  std::string_view product;
  std::string_view placement;
  const nlohmann::json* context = nullptr;  // a JSON object
};
DecideFields decide_fields(const nlohmann::json& body);

struct FeedbackFields {
  std::string_view decision;  // points into `body`
  bool clicked = false;
};
FeedbackFields feedback_fields(const nlohmann::json& body);

}  // namespace backdrop::serving
