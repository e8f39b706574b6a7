import Foundation

/// Where a serialized `ModelProto`'s weights are: the model with its graph's initializers cut
/// out (a few kilobytes: nodes, inputs, outputs, opsets) and the byte range of each initializer
/// (a serialized `TensorProto`) in file order.
///
/// Why: decoding a whole model holds the file's bytes and a decoded copy of every weight at
/// once before the first tensor is made (ResNet-50: 100 MB of file + 100 MB of protobuf
/// bytes). Loading by layout decodes the small rest once and each initializer on its own, so
/// that the file's pages (mapped, dropped once read) and one initializer's protobuf copy are
/// all that sit beside the tensors made so far.
///
/// Only the wire format's framing is read (keys, lengths); anything it does not expect — a
/// group, a second graph field, a length past the end — gives nil, and the caller decodes the
/// whole file the usual way, which reports damage as it always did.
struct ONNXModelLayout {
  /// The model with every `graph.initializer` field removed, re-encoded.
  var strippedModel: Data
  /// Each initializer's serialized `TensorProto`, in file order.
  var initializers: [Range<Int>]

  /// ModelProto.graph and GraphProto.initializer field numbers (onnx.proto).
  private static let graphField: UInt64 = 7
  private static let initializerField: UInt64 = 5

  init?(_ bytes: UnsafeRawBufferPointer) {
    var model = Data()
    var ranges: [Range<Int>] = []
    var sawGraph = false
    var index = 0
    while index < bytes.count {
      let start = index
      guard let key = Self.varint(bytes, &index), key >> 3 > 0 else { return nil }
      if key >> 3 == Self.graphField && key & 7 == 2 {
        guard !sawGraph, let length = Self.varint(bytes, &index), length <= UInt64(bytes.count - index) else {
          return nil
        }
        sawGraph = true
        let end = index + Int(length)
        var graph = Data()
        while index < end {
          let fieldStart = index
          guard let fieldKey = Self.varint(bytes, &index), fieldKey >> 3 > 0 else { return nil }
          let payloadStart = fieldKey & 7 == 2 ? Self.payloadStart(bytes, index) : index
          guard let fieldEnd = Self.skip(fieldKey & 7, bytes, index, limit: end) else { return nil }
          if fieldKey >> 3 == Self.initializerField && fieldKey & 7 == 2, let payloadStart {
            ranges.append(payloadStart..<fieldEnd)
          } else {
            graph.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<fieldEnd]))
          }
          index = fieldEnd
        }
        model.append(UInt8(Self.graphField << 3 | 2))
        Self.appendVarint(UInt64(graph.count), to: &model)
        model.append(graph)
      } else {
        guard let end = Self.skip(key & 7, bytes, index, limit: bytes.count) else { return nil }
        model.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        index = end
      }
    }
    strippedModel = model
    initializers = ranges
  }

  /// Reads a base-128 varint at `index`, advancing it; nil when truncated or over 10 bytes.
  private static func varint(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while index < bytes.count && shift < 64 {
      let byte = bytes[index]
      index += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  /// Where a length-delimited payload whose length varint starts at `index` begins.
  private static func payloadStart(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Int? {
    var position = index
    guard varint(bytes, &position) != nil else { return nil }
    return position
  }

  /// The end of a field's payload of wire type `wire` starting at `index`, within `limit`; nil
  /// for groups (3, 4), unknown wire types and payloads running past `limit`.
  private static func skip(_ wire: UInt64, _ bytes: UnsafeRawBufferPointer, _ index: Int, limit: Int) -> Int? {
    var position = index
    switch wire {
    case 0:
      guard varint(bytes, &position) != nil else { return nil }
    case 1:
      position += 8
    case 2:
      guard let length = varint(bytes, &position), length <= UInt64(max(0, limit - position)) else { return nil }
      position += Int(length)
    case 5:
      position += 4
    default:
      return nil
    }
    return position <= limit ? position : nil
  }

  private static func appendVarint(_ value: UInt64, to data: inout Data) {
    var rest = value
    while rest >= 0x80 {
      data.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    data.append(UInt8(rest))
  }
}
