/// How text is cut into tokens — and how tokens are put back together.
///
/// The kind is stored with a `Vocabulary` (and so with the weights), so that a model loaded
/// later cuts a prompt exactly as its training text was cut.
public enum Tokenizer: Equatable, Sendable {
  /// One token per Unicode scalar (code point) — every Chinese character, every punctuation
  /// mark and every line break is one token; spaces are tokens too unless dropped.
  ///
  /// Scalars rather than grapheme clusters (Swift's `Character`): they are what Python's
  /// `list(text)` yields (so ids agree with a PyTorch course script), and where a text is
  /// cut never depends on the Unicode version of the toolchain. Each CJK ideograph is one
  /// scalar, so for Chinese the two agree; a decomposed accent or an emoji sequence becomes
  /// several tokens.
  case characters
  /// Characters without spaces and tabs — line breaks stay tokens, since a poem's lines are
  /// its structure.
  case charactersWithoutSpaces
  /// English words: lower-cased (Unicode lower case), split at white space; a word is a run
  /// of letters and digits, with an apostrophe kept inside it ("don't"); every other
  /// non-space scalar (punctuation, symbols, and each CJK ideograph) is a token of its own.
  case words

  /// The tokens of `text`, in order.
  public func tokens(in text: String) -> [String] {
    switch self {
    case .characters, .charactersWithoutSpaces:
      let keepSpaces = self == .characters
      var tokens: [String] = []
      tokens.reserveCapacity(text.unicodeScalars.count)
      for scalar in text.unicodeScalars {
        if !keepSpaces && scalar.properties.isWhitespace && scalar != "\n" { continue }
        tokens.append(String(scalar))
      }
      return tokens
    case .words:
      return Self.words(in: text.lowercased())
    }
  }

  /// Tokens put back into text: characters are concatenated; words are joined by single
  /// spaces, without a space before closing punctuation or after opening punctuation.
  public func text(from tokens: [String]) -> String {
    switch self {
    case .characters, .charactersWithoutSpaces: return tokens.joined()
    case .words:
      var result = ""
      var previous: String? = nil
      for token in tokens {
        if let previous, !Self.attachesLeft(token), !Self.attachesRight(previous),
          !(Self.isIdeograph(token) && Self.isIdeograph(previous))
        {
          result += " "
        }
        result += token
        previous = token
      }
      return result
    }
  }

  /// The name stored in a serialised vocabulary.
  var storedName: String {
    switch self {
    case .characters: return "characters"
    case .charactersWithoutSpaces: return "characters-without-spaces"
    case .words: return "words"
    }
  }

  init?(storedName: String) {
    switch storedName {
    case "characters": self = .characters
    case "characters-without-spaces": self = .charactersWithoutSpaces
    case "words": self = .words
    default: return nil
    }
  }

  /// Word tokens of lower-cased text.
  static func words(in text: String) -> [String] {
    var tokens: [String] = []
    var word = String.UnicodeScalarView()
    func flush() {
      if !word.isEmpty { tokens.append(String(word)) }
      word = String.UnicodeScalarView()
    }
    let scalars = Array(text.unicodeScalars)
    for (i, scalar) in scalars.enumerated() {
      if isWordScalar(scalar) && !isIdeographScalar(scalar) {
        word.append(scalar)
      } else if (scalar == "'" || scalar == "\u{2019}") && !word.isEmpty && i + 1 < scalars.count
        && isWordScalar(scalars[i + 1]) && !isIdeographScalar(scalars[i + 1])
      {
        word.append(scalar)  // an apostrophe inside a word: don't, it's, l'homme
      } else {
        flush()
        if !scalar.properties.isWhitespace { tokens.append(String(scalar)) }
      }
    }
    flush()
    return tokens
  }

  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    return properties.isAlphabetic || properties.numericType != nil
      || properties.generalCategory == .nonspacingMark
  }

  /// CJK ideographs are words on their own (Chinese has no spaces to split at).
  static func isIdeographScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isIdeographic
  }

  static func isIdeograph(_ token: String) -> Bool {
    token.unicodeScalars.count == 1 && isIdeographScalar(token.unicodeScalars.first!)
  }

  /// Tokens written straight after the previous one: , . ; : ! ? ) ] } % and closing quotes.
  static func attachesLeft(_ token: String) -> Bool {
    [",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "…", "\u{201D}", "\u{2019}", "'s"].contains(token)
      || token.hasPrefix("'")
  }

  /// Tokens the next one is written straight after: ( [ { and opening quotes.
  static func attachesRight(_ token: String) -> Bool {
    ["(", "[", "{", "\u{201C}", "\u{2018}", "$", "#"].contains(token)
  }
}
