import ConvNetBase
import ConvNetTensor
import Foundation

extension SafetensorsFile {
  /// The element types `write(_:metadata:to:)` can store.
  public static let writableDTypes: [SafetensorsDType] = [.f32, .f16, .i64]

  /// Writes tensors to a safetensors file, atomically (see below).
  ///
  /// Layout, deterministic for a given input: the header JSON is compact, with
  /// `"__metadata__"` first (if given, its keys sorted) and then the tensor entries sorted by
  /// name, each as `{"dtype":…,"shape":[…],"data_offsets":[begin,end]}` (the reference
  /// implementation's field order); it is padded with spaces to a multiple of 8 bytes, like the
  /// reference implementation. The data follow **in the order given**, so a file read back
  /// lists its entries in that order.
  ///
  /// Conversions from Float32: `.f32` is exact; `.f16` rounds to nearest, ties to even, and a
  /// finite value too large for half (|x| ≥ 65520) is an error rather than a silent infinity;
  /// `.i64` requires every value to be a whole number within the Int64 range.
  ///
  /// The file is written to a temporary file in the same directory, flushed, and renamed over
  /// `url`; on any error no file (partial or temporary) is left behind and an existing file at
  /// `url` is unchanged.
  ///
  /// - Parameters:
  ///   - tensors: Name, values and on-disk dtype of each tensor. Names must be unique and must
  ///     not be `"__metadata__"`.
  ///   - metadata: Free-form strings stored in the header's `__metadata__`, or `nil`.
  ///   - url: The file to create or replace.
  /// - Throws: `SafetensorsError` naming the file, the tensor and the problem.
  public static func write(
    _ tensors: [(name: String, tensor: Tensor, dtype: SafetensorsDType)],
    metadata: [String: String]? = nil, to url: URL
  ) throws {
    let path = url.path
    var seen = Set<String>()
    for item in tensors {
      if item.name == SafetensorsHeader.metadataKey {
        throw SafetensorsError(
          path: path, tensor: item.name,
          reason: "the name is reserved for the header's metadata; choose another name")
      }
      if !seen.insert(item.name).inserted {
        throw SafetensorsError(
          path: path, tensor: item.name, reason: "duplicate tensor name; expected unique names")
      }
      if !writableDTypes.contains(item.dtype) {
        throw SafetensorsError(
          path: path, tensor: item.name, field: "dtype",
          reason: "cannot write \(item.dtype.rawValue); expected one of "
            + writableDTypes.map(\.rawValue).joined(separator: ", "))
      }
    }

    // Data offsets, in the order given.
    var offsets: [Range<Int>] = []
    var bufferByteCount = 0
    for item in tensors {
      let byteCount = item.tensor.count * item.dtype.byteSize
      offsets.append(bufferByteCount..<(bufferByteCount + byteCount))
      bufferByteCount += byteCount
    }

    var header = headerJSON(tensors, offsets: offsets, metadata: metadata)
    // Pad with spaces to a multiple of 8 so that the buffer starts 8-byte aligned.
    header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
    let headerBytes = Array(header.utf8)

    var file = Data(count: 8 + headerBytes.count + bufferByteCount)
    try file.withUnsafeMutableBytes { bytes in
      bytes.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
      UnsafeMutableRawBufferPointer(rebasing: bytes[8..<(8 + headerBytes.count)])
        .copyBytes(from: headerBytes)
      let bufferStart = 8 + headerBytes.count
      for (item, range) in zip(tensors, offsets) {
        let start = bufferStart + range.lowerBound
        try encode(
          item.tensor, as: item.dtype, into: bytes, at: start,
          error: { SafetensorsError(path: path, tensor: item.name, reason: $0) })
      }
    }
    do {
      try AtomicFileWrite.write(file, to: url)
    } catch let failure as AtomicWriteError {
      throw SafetensorsError(path: failure.path, reason: failure.reason)
    }
  }

  /// The compact header JSON (before padding).
  private static func headerJSON(
    _ tensors: [(name: String, tensor: Tensor, dtype: SafetensorsDType)],
    offsets: [Range<Int>], metadata: [String: String]?
  ) -> String {
    var members: [String] = []
    if let metadata {
      let pairs = metadata.sorted { $0.key < $1.key }.map {
        jsonStringLiteral($0.key) + ":" + jsonStringLiteral($0.value)
      }
      members.append(
        jsonStringLiteral(SafetensorsHeader.metadataKey) + ":{" + pairs.joined(separator: ",")
          + "}")
    }
    for (item, range) in zip(tensors, offsets).sorted(by: { $0.0.name < $1.0.name }) {
      let shape = item.tensor.shape.map(String.init).joined(separator: ",")
      members.append(
        jsonStringLiteral(item.name) + ":{\"dtype\":\"\(item.dtype.rawValue)\","
          + "\"shape\":[\(shape)],\"data_offsets\":[\(range.lowerBound),\(range.upperBound)]}")
    }
    return "{" + members.joined(separator: ",") + "}"
  }

  /// Stores `tensor`'s elements as little-endian `dtype` starting at byte `start` of `bytes`.
  private static func encode(
    _ tensor: Tensor, as dtype: SafetensorsDType, into bytes: UnsafeMutableRawBufferPointer,
    at start: Int, error: (String) -> SafetensorsError
  ) throws {
    try tensor.withUnsafeBufferPointer { values in
      for (i, value) in values.enumerated() {
        switch dtype {
        case .f32:
          bytes.storeBytes(
            of: value.bitPattern.littleEndian, toByteOffset: start + 4 * i, as: UInt32.self)
        case .f16:
          let half = halfBitsFromFloat(value)
          if value.isFinite && half & 0x7C00 == 0x7C00 {
            throw error(
              "element \(i) = \(value) is too large for F16 (largest finite half is 65504); "
                + "expected |value| < 65520 or write F32")
          }
          bytes.storeBytes(of: half.littleEndian, toByteOffset: start + 2 * i, as: UInt16.self)
        case .i64:
          // Float(Int64.max) rounds up to 2⁶³, so the range check is a half-open interval.
          guard value.isFinite, value.rounded(.towardZero) == value,
            value >= -0x1p63, value < 0x1p63
          else {
            throw error(
              "element \(i) = \(value) is not a whole number in the Int64 range; "
                + "expected integral values for I64")
          }
          bytes.storeBytes(
            of: Int64(value).littleEndian, toByteOffset: start + 8 * i, as: Int64.self)
        default:
          preconditionFailure("dtype \(dtype) was checked to be writable")
        }
      }
    }
  }
}
