/// Text made safe for HTML. Everything the report shows that comes from data — class names,
/// file names, settings, the command line, layer names — passes through `escape`, so a class
/// called `<script>` or a folder named `a&b` prints as itself and never becomes markup.
public enum HTMLText {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references: safe both
  /// between tags and inside a double- or single-quoted attribute value.
  public static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      default: escaped.unicodeScalars.append(character)
      }
    }
    return escaped
  }

  /// An identifier safe for `id="…"` and `href="#…"`: ASCII letters, digits and `-`, the rest
  /// replaced by `-`.
  public static func identifier(_ text: String) -> String {
    let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
      (scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)))
        ? Character(scalar) : "-"
    }
    return String(mapped)
  }
}
