import Foundation

// Small constructors for the messages the exporter writes, so that the lowering reads like the
// ONNX operator specification (`node("Conv", …, attributes: [.ints("strides", [1, 1])])`).

extension Onnx_AttributeProto {
  static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .int
    attribute.i = Int64(value)
    return attribute
  }

  static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .ints
    attribute.ints = values.map { Int64($0) }
    return attribute
  }

  static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .float
    attribute.f = value
    return attribute
  }
}

extension Onnx_ValueInfoProto {
  /// A FLOAT value whose dimensions are sizes, or (nil) the symbolic batch size `batchSymbol`.
  static func float(_ name: String, shape: [Int?], batchSymbol: String) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    tensorType.shape.dim = shape.map { size in
      var dimension = Onnx_TensorShapeProto.Dimension()
      if let size { dimension.dimValue = Int64(size) } else { dimension.dimParam = batchSymbol }
      return dimension
    }
    info.type.tensorType = tensorType
    return info
  }
}
