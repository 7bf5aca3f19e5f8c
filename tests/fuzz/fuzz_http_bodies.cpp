// libFuzzer target for backdrop-serve's request bodies: parse_request_body, then decide_fields and
// the category's ContextEncoder on the decide context (as DecisionEngine::decide encodes it), and
// feedback_fields, on every input. Only BadRequest may come out; an encoded context has the
// schema's dimension.

#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "core/serving/request_body.h"
#include "core/serving/request_context.h"
#include "core/serving/serving_errors.h"
#include "fuzz_support.h"

using namespace backdrop;
using backdrop::fuzz::require;

namespace {

// One feature of each encoding and source, as a category's priors declare them.
const serving::ContextEncoder& encoder() {
  static const serving::ContextEncoder instance(bandit::FeatureSchema({
      bandit::one_hot_feature("user.segment", bandit::FeatureSource::user, {"new", "returning", "vip"}, true),
      {"user.age", bandit::FeatureSource::user, bandit::FeatureEncoding::numeric, {}, false, 0},
      {"product.price", bandit::FeatureSource::product, bandit::FeatureEncoding::numeric, {}, false, 0},
      {"placement.page", bandit::FeatureSource::placement, bandit::FeatureEncoding::hashed, {}, false, 8},
  }));
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  backdrop::fuzz::expect_only<serving::BadRequest>([&] {
    const auto body = serving::parse_request_body(backdrop::fuzz::as_text(data, size));
    require(body.is_object());
    backdrop::fuzz::expect_only<serving::BadRequest>([&] {
      const auto fields = serving::decide_fields(body);
      require(fields.context != nullptr && fields.context->is_object());
      serving::EncodedContext encoded;
      encoder().encode(*fields.context, encoded);
      require(encoded.vector.size() == static_cast<std::size_t>(encoder().schema().dimension()));
      require(encoded.features != nullptr && encoded.features->is_object());
    });
    backdrop::fuzz::expect_only<serving::BadRequest>([&] { (void)serving::feedback_fields(body); });
  });
  return 0;
}
