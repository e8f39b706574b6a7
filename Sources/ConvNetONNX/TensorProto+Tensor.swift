import ConvNetTensor
import Foundation

// TensorProto ↔ Tensor. ConvNet computes in float32, so FLOAT tensors become `Tensor`s; INT64
// tensors (Reshape shapes, Slice starts, …) are read as [Int64]. Every other element type is
// refused by name rather than converted, so that no value changes silently.

extension Onnx_TensorProto {
  /// A FLOAT tensor holding `tensor`'s values as little-endian `raw_data` (the compact form
  /// onnx and PyTorch write), named `name`.
  public init(name: String, tensor: Tensor) {
    self.init()
    self.name = name
    dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    dims = tensor.shape.map { Int64($0) }
    var bytes = Data(count: tensor.count * 4)
    withExtendedLifetime(tensor) {
      let values = tensor.readOnlyElements
      bytes.withUnsafeMutableBytes { raw in
        for index in 0..<tensor.count {
          raw.storeBytes(of: values[index].bitPattern.littleEndian, toByteOffset: 4 * index, as: UInt32.self)
        }
      }
    }
    rawData = bytes
  }

  /// An INT64 tensor of the given shape (`[values.count]` when nil), as `raw_data`.
  public init(name: String, int64Values values: [Int64], shape: [Int]? = nil) {
    self.init()
    self.name = name
    dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
    dims = (shape ?? [values.count]).map { Int64($0) }
    var bytes = Data(count: values.count * 8)
    bytes.withUnsafeMutableBytes { raw in
      for (index, value) in values.enumerated() {
        raw.storeBytes(of: value.littleEndian, toByteOffset: 8 * index, as: Int64.self)
      }
    }
    rawData = bytes
  }

  /// The name of this tensor's element type as ONNX spells it (`FLOAT`, `INT64`, `FLOAT16`, …).
  public var dataTypeName: String { Onnx_TensorProto.dataTypeName(dataType) }

  /// The ONNX name of element type `code` (TensorProto.DataType), or "data type <code>" when it
  /// is none ONNX defines.
  public static func dataTypeName(_ code: Int32) -> String {
    let names = [
      "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL",
      "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN",
      "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0",
      "UINT2", "INT2",
    ]
    return code >= 0 && Int(code) < names.count ? names[Int(code)] : "data type \(code)"
  }

  /// The shape in `dims`, checked: non-negative and of a size that fits in memory.
  public func checkedShape() throws -> [Int] {
    var count = 1
    for dim in dims {
      guard dim >= 0, dim <= Int64(Int32.max) else {
        throw tensorError("dims \(dims): expected non-negative sizes below 2³¹")
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
      guard !overflow, product <= Int(Int32.max) else {
        throw tensorError("dims \(dims) describe more than 2³¹ elements")
      }
      count = product
    }
    return dims.map { Int($0) }
  }

  /// The values of a FLOAT tensor (from `raw_data`, little-endian, or `float_data`).
  ///
  /// - Throws: `ONNXError` naming the tensor when it is not FLOAT (with its type's name), keeps
  ///   its data in an external file, or holds a number of values other than its shape's.
  public func floatTensor() throws -> Tensor {
    guard dataType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
      throw tensorError("element type \(dataTypeName) is not supported; expected FLOAT (float32)")
    }
    let shape = try checkedShape()
    let count = Tensor.elementCount(of: shape)
    try checkNotExternal()
    var tensor = Tensor(uninitializedShape: shape)
    if hasRawData {
      guard rawData.count == 4 * count else {
        throw tensorError(
          "raw_data holds \(rawData.count) bytes, expected 4·\(count) = \(4 * count) for FLOAT \(shape)")
      }
      tensor.withUnsafeMutableBufferPointer { buffer in
        rawData.withUnsafeBytes { raw in
          for index in 0..<count {
            let bits = raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
            buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
          }
        }
      }
    } else {
      guard floatData.count == count else {
        throw tensorError("float_data holds \(floatData.count) values, expected \(count) for shape \(shape)")
      }
      tensor.withUnsafeMutableBufferPointer { buffer in
        for index in 0..<count { buffer[index] = floatData[index] }
      }
    }
    return tensor
  }

  /// The values of an INT64 tensor (from `raw_data`, little-endian, or `int64_data`), in order.
  ///
  /// - Throws: `ONNXError` naming the tensor when it is not INT64 or its value count is wrong.
  public func int64Values() throws -> [Int64] {
    guard dataType == Int32(Onnx_TensorProto.DataType.int64.rawValue) else {
      throw tensorError("element type \(dataTypeName) is not supported here; expected INT64")
    }
    let count = Tensor.elementCount(of: try checkedShape())
    try checkNotExternal()
    if hasRawData {
      guard rawData.count == 8 * count else {
        throw tensorError(
          "raw_data holds \(rawData.count) bytes, expected 8·\(count) = \(8 * count) for INT64")
      }
      return rawData.withUnsafeBytes { raw in
        (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
      }
    }
    guard int64Data.count == count else {
      throw tensorError("int64_data holds \(int64Data.count) values, expected \(count)")
    }
    return int64Data
  }

  private func checkNotExternal() throws {
    if dataLocation == .external || !externalData.isEmpty {
      throw tensorError(
        "its data is in an external file, which is not supported; expected the values inside the model")
    }
  }

  private func tensorError(_ reason: String) -> ONNXError {
    ONNXError(item: "tensor \"\(name)\"", reason: reason)
  }
}
