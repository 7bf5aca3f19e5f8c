#include <QtTest>

#include <functional>
#include <set>

#include "core/common/version.h"
#include "core/generation/variant_inputs.h"

using namespace backdrop;

namespace {

VariantInputs example() {
  auto inputs = make_variant_inputs();
  inputs.product_id = "p1";
  inputs.product_image_path = "/images/p1.jpg";
  inputs.prompt_id = 3;
  inputs.product_image_sha256 = "aa";
  inputs.placement = {0, "centre", 512, 512};
  inputs.prompt = "marble";
  inputs.negative_prompt = "text";
  inputs.colour = "#ffeedd";
  inputs.seed = 42;
  inputs.model_sha256 = "mm";
  inputs.controlnet_sha256 = "cc";
  return inputs;
}

}  // namespace

class VariantKeyTest : public QObject {
  Q_OBJECT

 private slots:
  void everyPixelInputChangesTheKey() {
    const std::vector<std::function<void(VariantInputs&)>> changes{
        [](auto& v) { v.product_image_sha256 = "ab"; },
        [](auto& v) { v.mask.method = "threshold"; },
        [](auto& v) { v.mask.threshold = 0.6; },
        [](auto& v) { v.mask.dilate_px = 2; },
        [](auto& v) { v.mask.feather_px = 3; },
        [](auto& v) { v.placement.width = 768; },
        [](auto& v) { v.placement.height = 768; },
        [](auto& v) { v.placement.position.x = 0.4; },
        [](auto& v) { v.placement.position.y = 0.4; },
        [](auto& v) { v.placement.position.scale = 0.5; },
        [](auto& v) { v.prompt = "wood"; },
        [](auto& v) { v.negative_prompt = ""; },
        [](auto& v) { v.colour = "#000000"; },
        [](auto& v) { v.seed = 43; },
        [](auto& v) { v.steps = 21; },
        [](auto& v) { v.scheduler = "euler"; },
        [](auto& v) { v.guidance_scale = 7.0; },
        [](auto& v) { v.model_sha256 = "mn"; },
        [](auto& v) { v.controlnet_sha256 = "cd"; },
        [](auto& v) { v.engine_version = "9.9.9"; },
        [](auto& v) { v.dtype = "bf16"; },
        [](auto& v) {
          v.loras = {{"l1", 1.0}};
        },
        [](auto& v) {
          v.loras = {{"l1", 0.6}};
        },
        [](auto& v) {
          v.loras = {{"l2", 1.0}};
        },
        [](auto& v) {
          v.loras = {{"l1", 1.0}, {"l2", 1.0}};
        },
        [](auto& v) {
          v.loras = {{"l2", 1.0}, {"l1", 1.0}};
        },
        [](auto& v) {
          v.edge_thresholds = std::pair{30.0, 90.0};
        },
        [](auto& v) {
          v.edge_thresholds = std::pair{30.0, 100.0};
        },
    };
    std::set<std::string> keys{variant_key(example())};
    for (const auto& change : changes) {
      auto inputs = example();
      change(inputs);
      keys.insert(variant_key(inputs));
    }
    QCOMPARE(keys.size(), changes.size() + 1);
  }

  // Keys made before dtypes existed (fp32) stay the same; bf16 is keyed and read back.
  void anFp32KeyIsUnchangedByTheDtypeField() {
    const auto inputs = example();
    QVERIFY(variant_key_material(inputs).find("dtype") == std::string::npos);
    auto json = to_json(inputs);
    json.erase("dtype");
    QCOMPARE(variant_inputs_from_json(json).dtype, std::string("fp32"));
    auto bf16 = example();
    bf16.dtype = "bf16";
    QCOMPARE(variant_inputs_from_json(to_json(bf16)).dtype, std::string("bf16"));
    QVERIFY(variant_key_material(bf16).find(R"("dtype":"bf16")") != std::string::npos);
  }

  void provenanceDoesNotChangeTheKey() {
    auto inputs = example();
    inputs.product_id = "other";
    inputs.product_image_path = "/elsewhere.jpg";
    inputs.prompt_id = std::nullopt;
    inputs.placement.name = "renamed";
    inputs.placement.id = 17;
    QCOMPARE(variant_key(inputs), variant_key(example()));
  }

  void keyIsTheSha256OfACanonicalString() {
    const auto key = variant_key(example());
    QCOMPARE(key.size(), std::size_t{64});
    const auto material = variant_key_material(example());
    QVERIFY(material.rfind("backdrop-variant-key-v2\n", 0) == 0);
    // Sorted keys: "colour" comes before "controlnet_sha256", which comes before "engine_version".
    QVERIFY(material.find("\"colour\"") < material.find("\"controlnet_sha256\""));
    QVERIFY(material.find(std::string("\"engine_version\":\"") + kEngineVersion + "\"") != std::string::npos);
    QVERIFY(material.find("p1.jpg") == std::string::npos);
  }

  void withoutLorasTheMaterialHasNoLoraField() {
    QVERIFY(variant_key_material(example()).find("loras") == std::string::npos);
    auto inputs = example();
    inputs.loras = {{"l1", 0.5}};
    QVERIFY(variant_key_material(inputs).find("\"loras\":[{\"multiplier\":0.5,\"sha256\":\"l1\"}]") !=
            std::string::npos);
  }

  // A product nobody tuned keeps its keys; tuned thresholds are in the material.
  void untunedEdgesLeaveTheMaterialAsItWas() {
    QVERIFY(variant_key_material(example()).find("edge_thresholds") == std::string::npos);
    auto inputs = example();
    inputs.edge_thresholds = std::pair{30.5, 90.0};
    QVERIFY(variant_key_material(inputs).find("\"edge_thresholds\":[30.5,90.0]") != std::string::npos);
  }

  // A placement that leaves the product to the layout rule has no position in the material; one
  // that sets part of it has that part.
  void onlyAPlacementsOwnPositionIsInTheMaterial() {
    const auto material = variant_key_material(example());
    QVERIFY(material.find("\"placement\":{\"height\":512,\"width\":512}") != std::string::npos);
    auto inputs = example();
    inputs.placement.position.scale = 0.4;
    QVERIFY(variant_key_material(inputs).find("\"placement\":{\"height\":512,\"scale\":0.4,\"width\":512}") !=
            std::string::npos);
    inputs.placement.position = {0.25, 0.75, std::nullopt};
    const auto stored = variant_inputs_from_json(to_json(inputs));
    QCOMPARE(stored.placement.position, inputs.placement.position);
    QCOMPARE(variant_key(stored), variant_key(inputs));
  }

  void aLoraIsKeyedByItsContent() {
    const auto folder = QDir::temp().filePath(QString("backdrop_variant_lora_%1").arg(QCoreApplication::applicationPid()));
    QVERIFY(QDir().mkpath(folder));
    const auto write = [&](const QString& name, const QByteArray& bytes) {
      QFile file(folder + "/" + name);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(bytes);
    };
    write("a.safetensors", "same bytes");
    write("b.safetensors", "same bytes");
    write("c.safetensors", "other bytes");
    const auto lora = [&](const char* name) { return variant_lora((folder + "/" + name).toStdString(), 0.8); };
    QCOMPARE(lora("a.safetensors"), lora("b.safetensors"));  // renaming or copying a file keeps its key
    QVERIFY(lora("a.safetensors").sha256 != lora("c.safetensors").sha256);
    QCOMPARE(lora("a.safetensors").multiplier, 0.8);
    QDir(folder).removeRecursively();
  }

  void jsonRoundTripKeepsEverything() {
    auto inputs = example();
    inputs.loras = {{"l1", 0.6}, {"l2", 1.0}};
    inputs.edge_thresholds = std::pair{30.0, 90.0};
    const auto back = variant_inputs_from_json(nlohmann::json::parse(to_json(inputs).dump()));
    QCOMPARE(variant_key(back), variant_key(inputs));
    QVERIFY(back.loras == inputs.loras);
    QVERIFY(back.edge_thresholds == inputs.edge_thresholds);
    QCOMPARE(back.product_id, inputs.product_id);
    QCOMPARE(back.product_image_path, inputs.product_image_path);
    QCOMPARE(*back.prompt_id, int64_t{3});
    QCOMPARE(back.placement.name, std::string("centre"));
    QCOMPARE(back.seed, uint64_t{42});
    QVERIFY_THROWS_EXCEPTION(nlohmann::json::exception, variant_inputs_from_json(nlohmann::json{{"seed", 1}}));
  }
};

QTEST_APPLESS_MAIN(VariantKeyTest)
#include "variant_key_test.moc"
