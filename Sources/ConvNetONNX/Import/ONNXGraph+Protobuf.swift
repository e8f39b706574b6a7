import ConvNetTensor
import Foundation
import SwiftProtobuf

// ModelProto → ONNXGraph: the only place the importer touches the protobuf messages.

extension ONNXGraph {
  /// The graph of `model`: its nodes, initializers, inputs (without the initializers that old
  /// exporters also list as inputs), outputs and default-domain opset.
  ///
  /// - Throws: `ONNXImportError` naming the initializer, attribute or value whose element type
  ///   is not supported (float, int32, int64), or an `ONNXError` for damaged tensor data.
  public init(model: Onnx_ModelProto) throws {
    var copy = model
    try self.init(taking: &copy)
  }

  /// `init(model:)` that empties `model`'s initializers as it converts them, so that a large
  /// model's weights are never held three times over (file bytes, protobuf bytes, tensors) or
  /// twice once converted: each initializer's bytes are released as soon as its tensor is made.
  /// `converted`, when given, are the initializers already converted (`model` then has none).
  init(taking model: inout Onnx_ModelProto, converted: [(name: String, value: ONNXTensorData)]? = nil) throws {
    let opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) }
    // Moved out, so that this array is the only holder of the initializers' bytes.
    var protos = model.graph.initializer
    model.graph.initializer = []
    var initializers: [(name: String, value: ONNXTensorData)] = converted ?? []
    initializers.reserveCapacity(initializers.count + protos.count)
    for index in protos.indices {
      let name = protos[index].name
      initializers.append((name, try ONNXTensorData(proto: protos[index], owner: "initializer \"\(name)\"")))
      protos[index] = Onnx_TensorProto()
    }
    if let sparse = model.graph.sparseInitializer.first {
      throw ONNXImportError.unsupported(
        node: "initializer \"\(sparse.values.name)\"", what: "sparse initializer", supported: "dense tensors")
    }
    let graph = model.graph
    let initializerNames = Set(initializers.map { $0.name })
    let nodes = try graph.node.enumerated().map { index, proto in
      try ONNXNode(proto: proto, index: index)
    }
    self.init(
      nodes: nodes, initializers: initializers,
      inputs: graph.input.filter { !initializerNames.contains($0.name) }.map(ONNXValueInfo.init(proto:)),
      outputs: graph.output.map(ONNXValueInfo.init(proto:)), opsetVersion: opset ?? 1)
  }

  /// Reads and converts the model in `url` (see `ONNXModelFile.read`). The file is mapped and
  /// read by layout (`ONNXModelLayout`): the model without its weights is decoded once, then
  /// each initializer is decoded, converted to a tensor and its pages of the file dropped, one
  /// after another — so loading holds the tensors made so far, one initializer's protobuf copy
  /// and a few pages of the file, not the whole file beside a decoded copy of every weight. A
  /// file the layout cannot read is decoded whole (`ONNXModelFile.read`), which reports damage.
  public init(contentsOf url: URL) throws {
    if let mapped = MappedModelFile(path: url.path), mapped.count <= ONNXModelFile.maximumByteCount,
      let layout = ONNXModelLayout(mapped.bytes)
    {
      var model = try ONNXModelFile.decode(layout.strippedModel, path: url.path)
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = ONNXModelFile.maximumMessageDepth
      var initializers: [(name: String, value: ONNXTensorData)] = []
      initializers.reserveCapacity(layout.initializers.count)
      for range in layout.initializers {
        let proto: Onnx_TensorProto
        do {
          let bytes = Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: mapped.bytes.baseAddress! + range.lowerBound),
            count: range.count, deallocator: .none)
          proto = try Onnx_TensorProto(serializedBytes: bytes, options: options)
        } catch {
          throw ONNXError(
            path: url.path,
            reason: "not a valid ONNX model (protobuf decoding failed in an initializer: \(error)); "
              + "the file may be truncated or not an .onnx file")
        }
        initializers.append((proto.name, try ONNXTensorData(proto: proto, owner: "initializer \"\(proto.name)\"")))
        mapped.drop(upTo: range.upperBound)
      }
      try self.init(taking: &model, converted: initializers)
      return
    }
    var model = try ONNXModelFile.read(url)
    try self.init(taking: &model)
  }
}
extension ONNXNode {
  init(proto: Onnx_NodeProto, index: Int) throws {
    var attributes: [String: ONNXAttribute] = [:]
    let label = proto.name.isEmpty ? "node \(index) (\(proto.opType))" : "node \(index) (\(proto.opType) \"\(proto.name)\")"
    for attribute in proto.attribute {
      attributes[attribute.name] = try ONNXAttribute(proto: attribute, owner: "\(label) attribute \(attribute.name)")
    }
    self.init(
      name: proto.name, opType: proto.opType, domain: proto.domain, inputs: proto.input, outputs: proto.output,
      attributes: attributes, index: index)
  }
}

extension ONNXAttribute {
  init(proto: Onnx_AttributeProto, owner: String) throws {
    switch proto.type {
    case .int: self = .int(Int(proto.i))
    case .float: self = .float(proto.f)
    case .string: self = .string(String(decoding: proto.s, as: UTF8.self))
    case .ints: self = .ints(proto.ints.map { Int($0) })
    case .floats: self = .floats(proto.floats)
    case .strings: self = .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
    case .tensor:
      // A tensor of an unsupported type stays a named refusal until a node reads it.
      do {
        self = .tensor(try ONNXTensorData(proto: proto.t, owner: owner))
      } catch let error as ONNXImportError where error.isUnsupported {
        self = .other(typeName: "tensor of \(Onnx_TensorProto.dataTypeName(proto.t.dataType))")
      }
    default: self = .other(typeName: "\(proto.type)")
    }
  }
}

extension ONNXValueInfo {
  init(proto: Onnx_ValueInfoProto) {
    let tensorType = proto.type.tensorType
    let shape: [Int?]? =
      tensorType.hasShape
      ? tensorType.shape.dim.map { dim in
        if case .dimValue(let value)? = dim.value { return Int(value) }
        return nil
      } : nil
    self.init(name: proto.name, elementType: ONNXElementType(rawValue: Int(tensorType.elemType)), shape: shape)
  }
}

extension ONNXTensorData {
  /// The data of a FLOAT, INT64 or INT32 tensor; any other element type is refused by name.
  public init(proto: Onnx_TensorProto, owner: String) throws {
    let type = ONNXElementType(rawValue: Int(proto.dataType))
    switch type {
    case .float: self = .float(try proto.floatTensor())
    case .int64: self = .integer(IntegerTensor(shape: try proto.checkedShape(), values: try proto.int64Values(), elementType: .int64))
    case .int32:
      let shape = try proto.checkedShape()
      let count = Tensor.elementCount(of: shape)
      var values: [Int64]
      if proto.hasRawData {
        guard proto.rawData.count == 4 * count else {
          throw ONNXImportError.malformed(node: owner, reason: "raw_data holds \(proto.rawData.count) bytes, expected \(4 * count) for INT32 \(shape)")
        }
        values = proto.rawData.withUnsafeBytes { raw in
          (0..<count).map { Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
        }
      } else {
        values = proto.int32Data.map { Int64($0) }
        guard values.count == count else {
          throw ONNXImportError.malformed(node: owner, reason: "int32_data holds \(values.count) values, expected \(count)")
        }
      }
      self = .integer(IntegerTensor(shape: shape, values: values, elementType: .int32))
    default:
      throw ONNXImportError.unsupported(
        node: owner, what: "element type \(proto.dataTypeName)", supported: ONNXElementType.supportedDescription)
    }
  }
}
