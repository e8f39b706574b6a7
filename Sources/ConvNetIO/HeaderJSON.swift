// A small JSON reader and writer for safetensors headers.
//
// Why not JSONSerialization: the header rules need things it hides — whether a number was
// written as an integer (shapes and offsets must be; `2.0` or `true` must be rejected),
// duplicate keys (JSONSerialization keeps one silently) and key order. The grammar is RFC 8259;
// nesting is limited so that a hostile header cannot exhaust the stack.

/// A parsed JSON value. Objects keep their keys in file order; numbers keep their literal text
/// so that integers can be recognised exactly.
enum HeaderJSON {
  case object([(key: String, value: HeaderJSON)])
  case array([HeaderJSON])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  /// A short name of the value's kind, for error messages ("an array", "a string", …).
  var kindDescription: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string: return "a string"
    case .number(let text): return "the number \(text)"
    case .bool(let value): return "\(value)"
    case .null: return "null"
    }
  }

  /// The value as a non-negative integer, if it is a JSON number written without fraction or
  /// exponent that fits in `Int`.
  var nonNegativeInteger: Int? {
    guard case .number(let text) = self, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
    else { return nil }
    return Int(text)
  }
}

/// A JSON syntax error at a byte offset within the header.
struct HeaderJSONSyntaxError: Error {
  let offset: Int
  let reason: String
}

/// A recursive-descent parser over the header's UTF-8 bytes.
struct HeaderJSONParser {
  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0
  private static let maximumDepth = 64

  /// Parses exactly one JSON value surrounded by optional whitespace (the reference writer pads
  /// headers with trailing spaces).
  static func parse(_ bytes: [UInt8]) throws -> HeaderJSON {
    var parser = HeaderJSONParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.position != bytes.count {
      throw parser.error("unexpected text after the JSON value")
    }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func error(_ reason: String) -> HeaderJSONSyntaxError {
    HeaderJSONSyntaxError(offset: position, reason: reason)
  }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
      position += 1
    }
  }

  private mutating func expect(_ byte: UInt8, _ what: String) throws {
    guard current == byte else { throw error("expected \(what)") }
    position += 1
  }

  private mutating func parseValue() throws -> HeaderJSON {
    guard let byte = current else { throw error("unexpected end of header, expected a value") }
    switch byte {
    case UInt8(ascii: "{"): return try nested { try $0.parseObject() }
    case UInt8(ascii: "["): return try nested { try $0.parseArray() }
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try parseLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try parseLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try parseLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try parseNumber())
    default: throw error("unexpected character, expected a value")
    }
  }

  private mutating func nested(_ body: (inout HeaderJSONParser) throws -> HeaderJSON) throws
    -> HeaderJSON
  {
    depth += 1
    defer { depth -= 1 }
    if depth > HeaderJSONParser.maximumDepth {
      throw error("nesting deeper than \(HeaderJSONParser.maximumDepth) levels")
    }
    return try body(&self)
  }

  private mutating func parseObject() throws -> HeaderJSON {
    try expect(UInt8(ascii: "{"), "'{'")
    var members: [(key: String, value: HeaderJSON)] = []
    var seen = Set<String>()
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
      let key = try parseString()
      if !seen.insert(key).inserted { throw error("duplicate key \"\(key)\"") }
      skipWhitespace()
      try expect(UInt8(ascii: ":"), "':' after key \"\(key)\"")
      skipWhitespace()
      members.append((key, try parseValue()))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "}"), "',' or '}' in object")
      return .object(members)
    }
  }

  private mutating func parseArray() throws -> HeaderJSON {
    try expect(UInt8(ascii: "["), "'['")
    var elements: [HeaderJSON] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "]"), "',' or ']' in array")
      return .array(elements)
    }
  }

  private mutating func parseLiteral(_ literal: String) throws {
    for byte in literal.utf8 {
      guard current == byte else { throw error("invalid literal, expected \(literal)") }
      position += 1
    }
  }

  /// Number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; returns the literal text.
  private mutating func parseNumber() throws -> String {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    if current == UInt8(ascii: "0") {
      position += 1
    } else {
      try digits()
    }
    if current == UInt8(ascii: ".") {
      position += 1
      try digits()
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      try digits()
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  private mutating func digits() throws {
    let start = position
    while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
      position += 1
    }
    if position == start { throw error("expected a digit in number") }
  }

  /// A quoted string with JSON escapes. The header has already been checked to be UTF-8.
  private mutating func parseString() throws -> String {
    try expect(UInt8(ascii: "\""), "'\"'")
    var utf8: [UInt8] = []
    while true {
      guard let byte = current else { throw error("unterminated string") }
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try parseEscape(into: &utf8)
      case 0..<0x20:
        throw error("control character in string (must be escaped)")
      default:
        utf8.append(byte)
      }
    }
  }

  private mutating func parseEscape(into utf8: inout [UInt8]) throws {
    guard let byte = current else { throw error("unterminated escape") }
    position += 1
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try parseHexQuad()
      if (0xD800..<0xDC00).contains(scalar) {
        // A high surrogate must be followed by an escaped low surrogate.
        guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate in \\u escape") }
        position += 1
        try expect(UInt8(ascii: "u"), "a low surrogate \\u escape")
        let low = try parseHexQuad()
        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate") }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
      utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
    default:
      throw error("invalid escape character")
    }
  }

  private mutating func parseHexQuad() throws -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = current, let digit = hexValue(byte) else {
        throw error("expected four hex digits after \\u")
      }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  private func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
/// everything else (including non-ASCII) written as UTF-8, as serde_json does.
func jsonStringLiteral(_ text: String) -> String {
  var result = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    case _ where scalar.value < 0x20:
      let hex = String(scalar.value, radix: 16)
      result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result + "\""
}
