import Foundation

/// Token ↔ id, with the tokenizer that made the tokens.
///
/// Ids 0…3 are the special tokens `<pad>` (padding, so an all-zero batch row is padding),
/// `<unk>` (any token not in the vocabulary), `<bos>` and `<eos>` (begin and end of a
/// sequence); the text's tokens follow, most frequent first, ties in code-point order — so the
/// same texts give the same ids whatever their order, on every machine.
///
/// `serialized()` gives one JSON string meant for a weight file's metadata (safetensors'
/// `__metadata__` holds strings; `Vocabulary.metadataKey`), so a model loaded for generation
/// maps text to exactly the ids it was trained with; `init(serialized:source:)` reads it back
/// and checks it.
public struct Vocabulary: Equatable, Sendable {
  /// The special tokens, in id order.
  public static let specialTokens = ["<pad>", "<unk>", "<bos>", "<eos>"]
  public static let padID = 0
  public static let unknownID = 1
  public static let beginID = 2
  public static let endID = 3
  /// The metadata key a vocabulary is stored under next to the weights (a translator stores
  /// its two as `convnet.vocabulary.source` and `convnet.vocabulary.target`).
  public static let metadataKey = "convnet.vocabulary"
  static let format = "convnet.vocabulary"
  static let version = 1

  /// How the text was cut into tokens.
  public let tokenizer: Tokenizer
  /// Every token by id: the special tokens, then the text's tokens.
  public let tokens: [String]
  private let ids: [String: Int]

  /// A vocabulary of the special tokens followed by `textTokens`, in that order.
  /// - Throws: `DataError` (file `source`) naming a duplicate, empty or special token.
  public init(tokenizer: Tokenizer, textTokens: [String], source: String = "vocabulary") throws {
    var ids: [String: Int] = [:]
    let tokens = Self.specialTokens + textTokens
    for (id, token) in tokens.enumerated() {
      guard !token.isEmpty else {
        throw DataError(file: source, field: "token \(id)", problem: "is empty, expected a token")
      }
      if let earlier = ids[token] {
        throw DataError(
          file: source, field: "token \(id)",
          problem: "\(Self.quoted(token)) repeats token \(earlier); every token must be listed once")
      }
      ids[token] = id
    }
    self.tokenizer = tokenizer
    self.tokens = tokens
    self.ids = ids
  }

  /// The vocabulary of `texts` as `tokenizer` cuts them.
  ///
  /// - Parameters:
  ///   - minimumCount: tokens seen fewer times become `<unk>` (the frequency cut-off).
  ///   - maximumSize: at most this many ids in all (special tokens included); the least
  ///     frequent tokens are left out.
  public static func build(
    from texts: [String], tokenizer: Tokenizer, minimumCount: Int = 1, maximumSize: Int? = nil
  ) -> Vocabulary {
    var counts: [String: Int] = [:]
    for text in texts {
      for token in tokenizer.tokens(in: text) { counts[token, default: 0] += 1 }
    }
    for special in specialTokens { counts[special] = nil }
    var kept = counts.filter { $0.value >= max(1, minimumCount) }.map { ($0.key, $0.value) }
    kept.sort { a, b in
      a.1 != b.1 ? a.1 > b.1 : a.0.unicodeScalars.lexicographicallyPrecedes(b.0.unicodeScalars)
    }
    if let maximumSize { kept = Array(kept.prefix(max(0, maximumSize - specialTokens.count))) }
    // Cannot throw: the keys of a dictionary are distinct and non-empty, specials removed.
    return try! Vocabulary(tokenizer: tokenizer, textTokens: kept.map(\.0))
  }

  /// The number of ids (special tokens included).
  public var count: Int { tokens.count }

  /// The id of `token`, or `unknownID`.
  public func id(of token: String) -> Int { ids[token] ?? Self.unknownID }

  /// Whether `token` has an id of its own.
  public func contains(_ token: String) -> Bool { ids[token] != nil }

  /// The token with `id`, or nil when the id is out of range.
  public func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

  /// The ids of `text`'s tokens, optionally between `<bos>` and `<eos>`.
  public func encode(_ text: String, addBegin: Bool = false, addEnd: Bool = false) -> [Int] {
    var result = addBegin ? [Self.beginID] : []
    result += tokenizer.tokens(in: text).map(id(of:))
    if addEnd { result.append(Self.endID) }
    return result
  }

  /// The text of `ids`: special tokens are left out (or written as `<unk>` … when
  /// `skippingSpecials` is false); ids out of range are written as `<unk>`.
  public func decode(_ ids: [Int], skippingSpecials: Bool = true) -> String {
    var pieces: [String] = []
    for id in ids {
      if skippingSpecials && id >= 0 && id < Self.specialTokens.count { continue }
      pieces.append(token(for: id) ?? Self.specialTokens[Self.unknownID])
    }
    return tokenizer.text(from: pieces)
  }

  /// The vocabulary as one line of JSON: `{"format":"convnet.vocabulary","version":1,
  /// "tokenizer":"characters","tokens":["<pad>","<unk>","<bos>","<eos>",…]}` (keys sorted).
  public func serialized() -> String {
    let object: [String: Any] = [
      "format": Self.format, "version": Self.version, "tokenizer": tokenizer.storedName,
      "tokens": tokens,
    ]
    // Cannot fail: strings, an integer and an array of strings.
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads what `serialized()` wrote.
  /// - Parameter source: names where the text came from in errors (a weight file's path).
  /// - Throws: `DataError` naming the field: not JSON, another format or version, an unknown
  ///   tokenizer, special tokens missing or out of place, a duplicate or empty token.
  public init(serialized text: String, source: String = "vocabulary") throws {
    func fail(_ field: String, _ problem: String) -> DataError {
      DataError(file: source, field: "vocabulary \(field)", problem: problem)
    }
    guard let data = text.data(using: .utf8),
      let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else {
      throw fail("text", "is not a JSON object, expected what Vocabulary.serialized() writes")
    }
    guard object["format"] as? String == Self.format else {
      throw fail(
        "\"format\"", "is \(String(describing: object["format"] ?? "missing")), expected \"\(Self.format)\"")
    }
    guard let version = object["version"] as? Int, version == Self.version else {
      throw fail(
        "\"version\"", "is \(String(describing: object["version"] ?? "missing")), expected \(Self.version)")
    }
    guard let name = object["tokenizer"] as? String, let tokenizer = Tokenizer(storedName: name) else {
      throw fail(
        "\"tokenizer\"",
        "is \(String(describing: object["tokenizer"] ?? "missing")), expected characters, "
          + "characters-without-spaces or words")
    }
    guard let tokens = object["tokens"] as? [String] else {
      throw fail("\"tokens\"", "is missing or not a list of strings")
    }
    guard tokens.count >= Self.specialTokens.count,
      Array(tokens.prefix(Self.specialTokens.count)) == Self.specialTokens
    else {
      throw fail(
        "\"tokens\"",
        "starts with \(tokens.prefix(4)), expected the special tokens \(Self.specialTokens) as ids 0…3")
    }
    try self.init(
      tokenizer: tokenizer, textTokens: Array(tokens.dropFirst(Self.specialTokens.count)), source: source)
  }

  static func quoted(_ token: String) -> String {
    "\"" + token.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
  }
}
