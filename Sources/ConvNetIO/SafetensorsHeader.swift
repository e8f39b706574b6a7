// Parsing and validating the JSON header of a safetensors file.
//
// The rules are those of the reference implementation (huggingface/safetensors,
// `Metadata::validate`): every entry has a known dtype, a shape of non-negative integers and
// data_offsets [begin, end] whose length is exactly elementCount · dtype size; sorted by
// offset, the tensors cover the data buffer from byte 0 to its last byte with neither gaps
// nor overlaps. Fields other than dtype, shape and data_offsets are ignored, as the reference
// implementation ignores them.

/// The validated contents of a header: tensor entries in buffer order, and the metadata.
struct SafetensorsHeader {
  /// The entries sorted by their position in the data buffer.
  var entries: [SafetensorsFile.Entry]
  var metadata: [String: String]

  /// The key under which the header stores free-form string metadata.
  static let metadataKey = "__metadata__"

  /// Parses and validates `bytes` (the header, without its 8-byte length) for a data buffer of
  /// `bufferByteCount` bytes; `path` is used in error messages.
  static func parse(_ bytes: [UInt8], bufferByteCount: Int, path: String) throws
    -> SafetensorsHeader
  {
    guard isValidUTF8(bytes) else {
      throw SafetensorsError(path: path, field: "header", reason: "the header is not valid UTF-8")
    }
    let json: HeaderJSON
    do {
      json = try HeaderJSONParser.parse(bytes)
    } catch let syntax as HeaderJSONSyntaxError {
      throw SafetensorsError(
        path: path, field: "header",
        reason: "the header is not valid JSON: \(syntax.reason) at byte \(syntax.offset)")
    }
    guard case .object(let members) = json else {
      throw SafetensorsError(
        path: path, field: "header",
        reason:
          "expected a JSON object mapping tensor names to entries, got \(json.kindDescription)")
    }

    var entries: [SafetensorsFile.Entry] = []
    var metadata: [String: String] = [:]
    for (key, value) in members {
      if key == metadataKey {
        metadata = try parseMetadata(value, path: path)
      } else {
        entries.append(try parseEntry(name: key, value, path: path))
      }
    }
    // Stable sort: entries at the same offsets (zero-length tensors) keep their file order.
    let sorted = entries.enumerated().sorted { left, right in
      let l = left.element.dataOffsets
      let r = right.element.dataOffsets
      if l.lowerBound != r.lowerBound { return l.lowerBound < r.lowerBound }
      if l.upperBound != r.upperBound { return l.upperBound < r.upperBound }
      return left.offset < right.offset
    }.map(\.element)
    try checkCoverage(sorted, bufferByteCount: bufferByteCount, path: path)
    return SafetensorsHeader(entries: sorted, metadata: metadata)
  }

  private static func parseMetadata(_ value: HeaderJSON, path: String) throws -> [String: String] {
    guard case .object(let members) = value else {
      throw SafetensorsError(
        path: path, field: metadataKey,
        reason: "expected an object of string values, got \(value.kindDescription)")
    }
    var metadata: [String: String] = [:]
    for (key, item) in members {
      guard case .string(let text) = item else {
        throw SafetensorsError(
          path: path, field: "\(metadataKey).\(key)",
          reason: "expected a string value, got \(item.kindDescription)")
      }
      metadata[key] = text
    }
    return metadata
  }

  private static func parseEntry(name: String, _ value: HeaderJSON, path: String) throws
    -> SafetensorsFile.Entry
  {
    func failure(_ field: String?, _ reason: String) -> SafetensorsError {
      SafetensorsError(path: path, tensor: name, field: field, reason: reason)
    }
    guard case .object(let members) = value else {
      throw failure(
        nil, "expected an object with dtype, shape and data_offsets, got \(value.kindDescription)")
    }
    func member(_ field: String, _ expected: String) throws -> HeaderJSON {
      guard let found = members.first(where: { $0.key == field }) else {
        throw failure(field, "missing; expected \(expected)")
      }
      return found.value
    }

    // dtype
    let knownDTypes = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
    let dtypeValue = try member("dtype", "a string, one of \(knownDTypes)")
    guard case .string(let dtypeName) = dtypeValue else {
      throw failure(
        "dtype", "expected a string, one of \(knownDTypes); got \(dtypeValue.kindDescription)")
    }
    guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
      throw failure("dtype", "unknown dtype \"\(dtypeName)\"; expected one of \(knownDTypes)")
    }

    // shape
    let shapeValue = try member("shape", "an array of non-negative integers")
    guard case .array(let shapeItems) = shapeValue else {
      throw failure(
        "shape", "expected an array of non-negative integers, got \(shapeValue.kindDescription)")
    }
    var shape: [Int] = []
    for item in shapeItems {
      guard let dimension = item.nonNegativeInteger else {
        throw failure("shape", "expected non-negative integers, got \(item.kindDescription)")
      }
      shape.append(dimension)
    }

    // data_offsets
    let offsetsValue = try member("data_offsets", "[begin, end]")
    guard case .array(let offsetItems) = offsetsValue, offsetItems.count == 2,
      let begin = offsetItems[0].nonNegativeInteger, let end = offsetItems[1].nonNegativeInteger
    else {
      throw failure(
        "data_offsets",
        "expected [begin, end] with two non-negative integers, got \(describe(offsetsValue))")
    }
    guard begin <= end else {
      throw failure("data_offsets", "expected begin ≤ end, got [\(begin), \(end)]")
    }

    // The byte length must be exactly elementCount · dtype size (computed without overflow).
    var elementCount = 1
    for dimension in shape {
      let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
      guard !overflow else { throw failure("shape", "element count of \(shape) overflows") }
      elementCount = product
    }
    let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow else { throw failure("shape", "byte size of \(shape) overflows") }
    guard end - begin == byteCount else {
      throw failure(
        "data_offsets",
        "[\(begin), \(end)] spans \(end - begin) bytes, expected \(byteCount) (shape \(shape) "
          + "has \(elementCount) elements of \(dtype.rawValue), \(dtype.byteSize) bytes each)")
    }
    return SafetensorsFile.Entry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
  }

  /// The tensors, sorted by offset, must tile the buffer exactly: start at 0, each begin equal
  /// to the previous end, the last end equal to the buffer length.
  private static func checkCoverage(
    _ entries: [SafetensorsFile.Entry], bufferByteCount: Int, path: String
  ) throws {
    var covered = 0
    var previous: SafetensorsFile.Entry?
    for entry in entries {
      let offsets = entry.dataOffsets
      let shown = "[\(offsets.lowerBound), \(offsets.upperBound)]"
      if offsets.upperBound > bufferByteCount {
        throw SafetensorsError(
          path: path, tensor: entry.name, field: "data_offsets",
          reason:
            "\(shown) runs past the end of the data buffer, which has \(bufferByteCount) bytes")
      }
      if offsets.lowerBound < covered, let previous {
        throw SafetensorsError(
          path: path, tensor: entry.name, field: "data_offsets",
          reason: "\(shown) overlaps tensor \"\(previous.name)\", which ends at byte \(covered); "
            + "expected tensors to follow one another without overlapping")
      }
      if offsets.lowerBound > covered {
        throw SafetensorsError(
          path: path, tensor: entry.name, field: "data_offsets",
          reason: "\(shown) leaves bytes \(covered)..<\(offsets.lowerBound) of the data buffer "
            + "unused; expected the tensors to cover the buffer contiguously")
      }
      covered = offsets.upperBound
      previous = entry
    }
    if covered != bufferByteCount {
      throw SafetensorsError(
        path: path, field: "data buffer",
        reason: "the data buffer has \(bufferByteCount) bytes but the tensors end at byte "
          + "\(covered); expected no trailing bytes after the last tensor")
    }
  }

  /// A compact rendering of a (small) JSON value for error messages.
  private static func describe(_ value: HeaderJSON) -> String {
    switch value {
    case .array(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
    case .number(let text): return text
    case .string(let text): return jsonStringLiteral(text)
    default: return value.kindDescription
    }
  }
}

/// Whether `bytes` is well-formed UTF-8 (no stray continuation bytes, overlong forms or
/// surrogates).
private func isValidUTF8(_ bytes: [UInt8]) -> Bool {
  var decoder = UTF8()
  var iterator = bytes.makeIterator()
  while true {
    switch decoder.decode(&iterator) {
    case .scalarValue: continue
    case .emptyInput: return true
    case .error: return false
    }
  }
}
