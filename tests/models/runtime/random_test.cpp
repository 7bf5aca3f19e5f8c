// The seeded CPU generator against PyTorch's: rng.safetensors holds torch.randn / torch.rand outputs
// for given seeds, shapes and consecutive draws (see the fixture README, "CPU random numbers").

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/loaders/torch_tensors.h"
#include "models/runtime/random.h"
#include "support/doctest_torch.h"
#include "support/test_data.h"

using namespace backdrop::models;

namespace {

struct Draw {
  std::string name;
  std::string fn;  // "randn" or "rand"
  uint64_t seed = 0;
  std::vector<int64_t> shape;
  int draw = 0;  // 0 = first call on a fresh generator
};

// Tensors named `<prefix>.draw<k>` are the k-th consecutive call on one generator; any other tensor
// is the first call on its own fresh generator.
std::string sequence_of(const std::string& name) {
  const auto dot = name.rfind(".draw");
  return dot == std::string::npos ? name : name.substr(0, dot);
}

std::vector<Draw> read_draws(const SafetensorsFile& file) {
  const auto tensors = nlohmann::json::parse(file.metadata().at("tensors"));
  std::vector<Draw> draws;
  for (const auto& [name, entry] : tensors.items()) {
    draws.push_back({name, entry.at("fn").get<std::string>(), entry.at("seed").get<uint64_t>(),
                     entry.at("shape").get<std::vector<int64_t>>(), entry.at("draw").get<int>()});
  }
  return draws;
}

torch::Tensor draw_with(RandomGenerator& generator, const Draw& draw) {
  if (draw.fn == "randn") return generator.randn(draw.shape);
  if (draw.fn == "rand") return generator.rand(draw.shape);
  throw std::runtime_error("rng.safetensors: unknown fn '" + draw.fn + "' for " + draw.name);
}

// Distance in units in the last place between two float32 tensors of the same shape.
int64_t max_ulp_distance(const torch::Tensor& a, const torch::Tensor& b) {
  const auto ai = a.contiguous().view(torch::kInt32).to(torch::kInt64);
  const auto bi = b.contiguous().view(torch::kInt32).to(torch::kInt64);
  // Map the sign-magnitude bit patterns onto a monotonic integer line.
  const auto ordered = [](const torch::Tensor& bits) {
    return torch::where(bits < 0, -(bits.bitwise_and(0x7FFFFFFF)), bits);
  };
  return (ordered(ai) - ordered(bi)).abs().max().item<int64_t>();
}

}  // namespace

TEST_CASE("every draw in rng.safetensors is reproduced from its seed, shape and position") {
  const auto path = backdrop::test::diffusion_fixtures() / "rng.safetensors";
  const auto file = SafetensorsFile::open(path);
  const auto draws = read_draws(*file);
  REQUIRE(!draws.empty());

  std::map<std::string, std::map<int, const Draw*>> sequences;
  for (const auto& draw : draws) sequences[sequence_of(draw.name)][draw.draw] = &draw;

  int small_path = 0;
  int consecutive = 0;
  for (const auto& [sequence, by_position] : sequences) {
    RandomGenerator generator(by_position.begin()->second->seed);
    int expected_position = 0;
    for (const auto& [position, draw] : by_position) {
      INFO(draw->name);
      REQUIRE(position == expected_position);  // every earlier draw of the sequence is stored
      REQUIRE(draw->seed == generator.initial_seed());
      const auto expected = to_torch(file->tensor(draw->name), file);
      const auto actual = draw_with(generator, *draw);
      REQUIRE(actual.sizes() == expected.sizes());
      CHECK((actual.scalar_type() == torch::kFloat32));
      // Bitwise: the stored values come from the same ATen CPU kernel (vectorised capability).
      const auto ulps = max_ulp_distance(actual, expected);
      INFO("max ulp distance " << ulps);
      CHECK(torch::equal(actual, expected));
      if (expected.numel() < 16) ++small_path;
      if (position > 0) ++consecutive;
      ++expected_position;
    }
  }
  CHECK(small_path > 0);   // the < 16 element (float64 Box-Muller) path is covered
  CHECK(consecutive > 0);  // consecutive draws on one generator are covered
}

TEST_CASE("only the low 32 bits of a seed count") {
  RandomGenerator low(42);
  RandomGenerator high((uint64_t{1} << 32) + 42);
  CHECK(torch::equal(low.randn({1, 4, 8, 8}), high.randn({1, 4, 8, 8})));
  CHECK(torch::equal(low.randn({1, 1, 3, 5}), high.randn({1, 1, 3, 5})));
}

TEST_CASE("manual_seed restarts the stream and forgets the cached normal value") {
  RandomGenerator fresh(7);
  const auto first = fresh.randn({15});  // odd count: one float64 normal stays cached

  RandomGenerator reused(3);
  reused.randn({15});
  reused.manual_seed(7);
  CHECK(reused.initial_seed() == 7);
  CHECK(torch::equal(reused.randn({15}), first));

  // Without the reseed the stream continues: the next draw differs from the first.
  CHECK_FALSE(torch::equal(fresh.randn({15}), first));
}

TEST_CASE("noise is drawn in float32 on the CPU, then moved and cast") {
  RandomGenerator a(1234);
  RandomGenerator b(1234);
  const auto reference = a.randn({2, 4, 12, 10});
  const auto half = b.randn({2, 4, 12, 10}, torch::kCPU, torch::kFloat16);
  CHECK((half.scalar_type() == torch::kFloat16));
  CHECK(torch::equal(half, reference.to(torch::kFloat16)));

  RandomGenerator c(1234);
  const auto doubled = c.rand({3, 5}, torch::kCPU, torch::kFloat64);
  CHECK((doubled.scalar_type() == torch::kFloat64));
  CHECK(doubled.min().item<double>() >= 0.0);
  CHECK(doubled.max().item<double>() < 1.0);
}
