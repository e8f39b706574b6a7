import ConvNetCompression
import Foundation

/// The element types of the IDX format (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE
/// FORMAT"): the third byte of the magic number. Multi-byte values are big-endian.
public enum IDXDataType: UInt8, Sendable, CaseIterable {
  case uint8 = 0x08
  case int8 = 0x09
  case int16 = 0x0B
  case int32 = 0x0C
  case float32 = 0x0D
  case float64 = 0x0E

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .uint8, .int8: return 1
    case .int16: return 2
    case .int32, .float32: return 4
    case .float64: return 8
    }
  }

  /// The name the IDX specification uses.
  public var specificationName: String {
    switch self {
    case .uint8: return "unsigned byte"
    case .int8: return "signed byte"
    case .int16: return "short"
    case .int32: return "int"
    case .float32: return "float"
    case .float64: return "double"
    }
  }

  /// True for the integer types.
  public var isInteger: Bool { self != .float32 && self != .float64 }
}

/// The contents of one IDX file: element type, dimensions and the big-endian payload.
///
/// The decoded file is kept whole and the payload addressed by offset, so that loading the
/// 47 MB MNIST training images costs no extra copy here.
public struct IDXArray: Sendable {
  /// The file name, for error messages about the contents.
  public let fileName: String
  public let dataType: IDXDataType
  /// Sizes of the dimensions, outermost first (e.g. [60000, 28, 28] for MNIST images).
  public let dimensions: [Int]
  /// The whole decoded file; the payload starts at `payloadOffset`.
  public let fileBytes: [UInt8]
  /// 4 + 4 · dimensions.count.
  public let payloadOffset: Int

  /// The magic number as a 32-bit big-endian value, e.g. 0x00000803.
  public var magicNumber: UInt32 { IDXArray.magicNumber(dataType.rawValue, dimensions.count) }

  /// The number of elements: the product of `dimensions`.
  public var elementCount: Int { dimensions.reduce(1, *) }

  /// Calls `body` with the payload bytes (big-endian elements, row-major).
  public func withPayload<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try fileBytes.withUnsafeBufferPointer { whole in
      try body(UnsafeBufferPointer(rebasing: whole[payloadOffset...]))
    }
  }

  /// The elements as integers; nil for float32 and float64 files.
  public func integerValues() -> [Int]? {
    guard dataType.isInteger else { return nil }
    return withPayload { payload in
      (0..<elementCount).map { i in
        switch dataType {
        case .uint8: return Int(payload[i])
        case .int8: return Int(Int8(bitPattern: payload[i]))
        case .int16: return Int(Int16(bitPattern: UInt16(bigEndianBytes: payload, at: 2 * i)))
        default: return Int(Int32(bitPattern: UInt32(bigEndianBytes: payload, at: 4 * i)))
        }
      }
    }
  }

  /// The elements converted to Double (exact for every IDX type).
  public func doubleValues() -> [Double] {
    if let integers = integerValues() { return integers.map(Double.init) }
    return withPayload { payload in
      (0..<elementCount).map { i in
        if dataType == .float32 {
          return Double(Float(bitPattern: UInt32(bigEndianBytes: payload, at: 4 * i)))
        }
        let high = UInt64(UInt32(bigEndianBytes: payload, at: 8 * i))
        let low = UInt64(UInt32(bigEndianBytes: payload, at: 8 * i + 4))
        return Double(bitPattern: high << 32 | low)
      }
    }
  }

  static func magicNumber(_ typeCode: UInt8, _ rank: Int) -> UInt32 {
    UInt32(typeCode) << 8 | UInt32(truncatingIfNeeded: rank)
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}

extension UInt32 {
  init(bigEndianBytes bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
    self =
      UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
      | UInt32(bytes[offset + 3])
  }
}

extension UInt16 {
  init(bigEndianBytes bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
    self = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
  }
}
