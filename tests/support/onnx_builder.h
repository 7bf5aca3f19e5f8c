#pragma once
// Tiny ONNX models written byte by byte (no onnx package here): one node from `input` to `mask`,
// for tests of what a segmenter does with shapes and operators it cannot use.

#include <cstdint>
#include <string>
#include <vector>

namespace backdrop::test {

// The protobuf wire format, write-only.
struct ProtoWriter {
  std::string bytes;
  void varint(uint64_t value) {
    while (value >= 0x80) {
      bytes += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    bytes += static_cast<char>(value);
  }
  ProtoWriter& number(int field, uint64_t value) {
    varint(static_cast<uint64_t>(field) << 3);
    varint(value);
    return *this;
  }
  ProtoWriter& text(int field, const std::string& value) {
    varint(static_cast<uint64_t>(field) << 3 | 2);
    varint(value.size());
    bytes += value;
    return *this;
  }
  ProtoWriter& message(int field, const ProtoWriter& value) { return text(field, value.bytes); }
};

// A float tensor's ValueInfoProto; a dimension of -1 is symbolic ("n").
inline ProtoWriter onnx_value_info(const std::string& name, const std::vector<int64_t>& dims) {
  ProtoWriter shape;
  for (int64_t dim : dims) {
    ProtoWriter d;
    if (dim < 0)
      d.text(2, "n");
    else
      d.number(1, static_cast<uint64_t>(dim));
    shape.message(1, d);
  }
  ProtoWriter tensor_type, type, info;
  tensor_type.number(1, 1).message(2, shape);  // elem_type FLOAT
  type.message(1, tensor_type);
  info.text(1, name).message(2, type);
  return info;
}

// An INTS attribute (AttributeProto: name = 1, ints = 8, type = 20, INTS = 7).
inline ProtoWriter onnx_ints_attribute(const std::string& name, const std::vector<int64_t>& values) {
  ProtoWriter attribute;
  attribute.text(1, name);
  for (int64_t value : values) attribute.number(8, static_cast<uint64_t>(value));
  attribute.number(20, 7);
  return attribute;
}

// A float weight (TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9).
struct OnnxWeight {
  std::string name;
  std::vector<int64_t> dims;
  std::vector<float> values;
};

inline ProtoWriter onnx_tensor(const OnnxWeight& weight) {
  ProtoWriter tensor;
  for (int64_t dim : weight.dims) tensor.number(1, static_cast<uint64_t>(dim));
  tensor.number(2, 1).text(8, weight.name);
  tensor.text(9,
              std::string(reinterpret_cast<const char*>(weight.values.data()), weight.values.size() * sizeof(float)));
  return tensor;
}

// ModelProto (IR 7, opset 11) with one node `op` from `input` (and the weights, in order) to `mask`.
inline std::string onnx_single_node_model(const std::string& op, const std::vector<int64_t>& input_dims,
                                          const std::vector<int64_t>& output_dims,
                                          const std::vector<OnnxWeight>& weights = {},
                                          const std::vector<ProtoWriter>& attributes = {}) {
  ProtoWriter node, graph, opset, model;
  node.text(1, "input");
  for (const auto& weight : weights) node.text(1, weight.name);
  node.text(2, "mask").text(4, op);
  for (const auto& attribute : attributes) node.message(5, attribute);
  graph.message(1, node).text(2, "g");
  for (const auto& weight : weights) graph.message(5, onnx_tensor(weight));
  graph.message(11, onnx_value_info("input", input_dims)).message(12, onnx_value_info("mask", output_dims));
  opset.text(1, "").number(2, 11);
  model.number(1, 7).message(7, graph).message(8, opset);
  return model.bytes;
}

}  // namespace backdrop::test
