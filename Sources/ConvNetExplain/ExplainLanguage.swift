import Foundation

/// The language an explanation is rendered in.
public enum ExplainLanguage: String, CaseIterable, Sendable {
  /// English, the default.
  case english = "en"
  /// Simplified Chinese, the course's language (卷积、步长、填充、特征图、感受野 …).
  case chinese = "zh"

  /// The phrase table of this language: every `Phrase` with `{1}`, `{2}` … placeholders.
  var phrases: [Phrase: String] {
    switch self {
    case .english: return Phrase.english
    case .chinese: return Phrase.chinese
    }
  }
}

extension ExplainLanguage {
  /// The phrase in this language with `{1}`, `{2}` … replaced by `arguments` in order. A phrase
  /// missing from the table (a test checks there is none) falls back to English.
  func text(_ phrase: Phrase, _ arguments: Any...) -> String { text(phrase, arguments: arguments) }

  func text(_ phrase: Phrase, arguments: [Any]) -> String {
    var result = phrases[phrase] ?? Phrase.english[phrase] ?? "\(phrase)"
    for (index, argument) in arguments.enumerated() {
      result = result.replacingOccurrences(of: "{\(index + 1)}", with: "\(argument)")
    }
    return result
  }
}

extension ExplainLanguage {
  /// Phrases missing from a language's table, or whose `{n}` placeholders differ from the
  /// English phrase's — empty when every table is complete (the tests check it).
  public static func phraseTableProblems() -> [String] {
    func placeholders(_ text: String) -> Set<String> {
      Set((1...9).map { "{\($0)}" }.filter { text.contains($0) })
    }
    var problems: [String] = []
    for language in allCases {
      for phrase in Phrase.allCases {
        guard let text = language.phrases[phrase] else {
          problems.append("\(language.rawValue): no phrase \(phrase)")
          continue
        }
        if let english = Phrase.english[phrase], placeholders(english) != placeholders(text) {
          problems.append("\(language.rawValue): \(phrase) has placeholders \(placeholders(text).sorted())")
        }
      }
    }
    return problems
  }
}
