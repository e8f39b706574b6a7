import ConvNetTensor
import Foundation

/// A safetensors file read into memory (https://github.com/huggingface/safetensors).
///
/// Layout: an 8-byte little-endian length N, N bytes of UTF-8 JSON header
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
/// "__metadata__": {…}}` (possibly padded with spaces), then the data buffer. Offsets are
/// relative to the start of the buffer; values are little-endian.
///
/// `read(from:)` validates the whole header before returning, so every entry it lists can be
/// converted; see `SafetensorsError` for the problems it reports.
public struct SafetensorsFile: Sendable {
  /// One tensor listed in the header.
  public struct Entry: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    /// The dimensions, e.g. `[outChannels, inChannels, kernelHeight, kernelWidth]`; `[]` for a
    /// scalar.
    public let shape: [Int]
    /// The tensor's bytes within the data buffer (relative to the buffer's start).
    public let dataOffsets: Range<Int>

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
  }

  /// The largest header accepted, as in the reference implementation: a bigger one is far more
  /// likely a corrupt length than a real header.
  public static let maximumHeaderByteCount = 100_000_000

  /// The file this was read from (used in error messages).
  public let url: URL
  /// The tensors, in the order of their data in the file.
  public let entries: [Entry]
  /// The free-form `__metadata__` of the header (empty if absent).
  public let metadata: [String: String]

  /// The whole file; the data buffer starts at `bufferStart`.
  private let contents: Data
  private let bufferStart: Int
  private let indexByName: [String: Int]

  /// Reads and validates a safetensors file.
  ///
  /// - Parameter url: A file URL.
  /// - Throws: `SafetensorsError` if the file cannot be read or breaks a rule of the format
  ///   (length field, header JSON, an entry's dtype, shape or data_offsets, buffer coverage).
  public static func read(from url: URL) throws -> SafetensorsFile {
    let path = url.path
    let contents: Data
    do {
      // Read, not memory-mapped: a mapped file truncated by another process would crash the
      // reader (SIGBUS) instead of producing an error.
      contents = try Data(contentsOf: url)
    } catch {
      throw SafetensorsError(
        path: path, reason: "cannot read the file: \(error.localizedDescription)")
    }
    return try SafetensorsFile(contents: contents, url: url)
  }

  /// Parses a safetensors file already in memory; `url` names it in error messages.
  public init(contents: Data, url: URL) throws {
    let path = url.path
    let fileSize = contents.count
    guard fileSize >= 8 else {
      throw SafetensorsError(
        path: path, field: "header length",
        reason: "the file has \(fileSize) bytes; expected at least 8 "
          + "(a little-endian u64 header length)")
    }
    let headerLength = contents.withUnsafeBytes {
      UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    }
    guard headerLength <= UInt64(SafetensorsFile.maximumHeaderByteCount) else {
      throw SafetensorsError(
        path: path, field: "header length",
        reason: "the header length \(headerLength) is larger than the "
          + "\(SafetensorsFile.maximumHeaderByteCount)-byte limit; the file is probably corrupt")
    }
    guard headerLength <= UInt64(fileSize - 8) else {
      throw SafetensorsError(
        path: path, field: "header length",
        reason: "the header length \(headerLength) runs past the end of the file; expected at "
          + "most \(fileSize - 8) (the file has \(fileSize) bytes); the file may be truncated")
    }
    let start = contents.startIndex
    let bufferStart = 8 + Int(headerLength)
    let headerBytes = [UInt8](contents[(start + 8)..<(start + bufferStart)])
    let header = try SafetensorsHeader.parse(
      headerBytes, bufferByteCount: fileSize - bufferStart, path: path)

    self.url = url
    self.contents = contents
    self.bufferStart = bufferStart
    self.entries = header.entries
    self.metadata = header.metadata
    var indexByName: [String: Int] = [:]
    for (index, entry) in header.entries.enumerated() { indexByName[entry.name] = index }
    self.indexByName = indexByName
  }

  /// The tensor names, in the order of their data in the file.
  public var names: [String] { entries.map(\.name) }

  /// The entry for `name`.
  /// - Throws: `SafetensorsError` if the file has no tensor of that name.
  public func entry(named name: String) throws -> Entry {
    guard let index = indexByName[name] else {
      let known = names.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ")
      throw SafetensorsError(
        path: url.path, tensor: name,
        reason: "no such tensor in the file; it has \(entries.count) tensors (\(known)"
          + "\(entries.count > 10 ? ", …" : ""))")
    }
    return entries[index]
  }

  /// The tensor `name` converted to Float32, with the shape from the header.
  ///
  /// Conversions: F16, BF16 and 8/16-bit integers are exact; F64 rounds to nearest; 32/64-bit
  /// integers are exact up to 2²⁴ in magnitude and rounded beyond (use `int64Values(named:)`
  /// for exact I64 values); BOOL gives 0 or 1.
  /// - Throws: `SafetensorsError` if there is no tensor of that name.
  public func tensor(named name: String) throws -> Tensor {
    let entry = try entry(named: name)
    var result = Tensor(uninitializedShape: entry.shape)
    withBytes(of: entry) { bytes in
      result.withUnsafeMutableBufferPointer { output in
        decodeAsFloat(bytes, dtype: entry.dtype, into: output)
      }
    }
    return result
  }

  /// The exact values of the I64 tensor `name` in row-major order (PyTorch stores counters
  /// such as batch norm's `num_batches_tracked` this way).
  /// - Throws: `SafetensorsError` if there is no such tensor or its dtype is not I64.
  public func int64Values(named name: String) throws -> [Int64] {
    let entry = try entry(named: name)
    guard entry.dtype == .i64 else {
      throw SafetensorsError(
        path: url.path, tensor: name, field: "dtype",
        reason: "expected I64 for int64Values(named:), the tensor is \(entry.dtype.rawValue)")
    }
    return withBytes(of: entry) { bytes in
      (0..<entry.elementCount).map {
        Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))
      }
    }
  }

  /// The raw little-endian bytes of tensor `name`, exactly as stored.
  /// - Throws: `SafetensorsError` if there is no tensor of that name.
  public func rawBytes(named name: String) throws -> Data {
    let entry = try entry(named: name)
    return withBytes(of: entry) { Data($0) }
  }

  private func withBytes<R>(of entry: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let range = entry.dataOffsets
    return contents.withUnsafeBytes { file in
      body(
        UnsafeRawBufferPointer(
          rebasing: file[(bufferStart + range.lowerBound)..<(bufferStart + range.upperBound)]))
    }
  }
}

/// Converts `output.count` little-endian elements of `dtype` from `bytes` to Float32.
private func decodeAsFloat(
  _ bytes: UnsafeRawBufferPointer, dtype: SafetensorsDType,
  into output: UnsafeMutableBufferPointer<Float>
) {
  // Element i starts at byte i · size; loads are unaligned because the header length (and so
  // the buffer start) need not be a multiple of the element size.
  func load<T: FixedWidthInteger>(_ type: T.Type, _ index: Int) -> T {
    T(littleEndian: bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
  }
  for i in 0..<output.count {
    switch dtype {
    case .f64: output[i] = Float(Double(bitPattern: load(UInt64.self, i)))
    case .f32: output[i] = Float(bitPattern: load(UInt32.self, i))
    case .f16: output[i] = floatFromHalfBits(load(UInt16.self, i))
    case .bf16: output[i] = floatFromBFloat16Bits(load(UInt16.self, i))
    case .i64: output[i] = Float(load(Int64.self, i))
    case .i32: output[i] = Float(load(Int32.self, i))
    case .i16: output[i] = Float(load(Int16.self, i))
    case .i8: output[i] = Float(load(Int8.self, i))
    case .u64: output[i] = Float(load(UInt64.self, i))
    case .u32: output[i] = Float(load(UInt32.self, i))
    case .u16: output[i] = Float(load(UInt16.self, i))
    case .u8: output[i] = Float(load(UInt8.self, i))
    case .bool: output[i] = load(UInt8.self, i) == 0 ? 0 : 1
    }
  }
}
