/// A command line written so it can be pasted into a POSIX shell and run again.
public enum ShellWords {
  /// `["convnet", "train", "--data", "my data"]` → `convnet train --data 'my data'`.
  public static func join(_ words: [String]) -> String {
    words.map(quote).joined(separator: " ")
  }

  /// `word` as is when it holds only characters a shell leaves alone, else in single quotes
  /// (a single quote inside becomes `'\''`).
  public static func quote(_ word: String) -> String {
    let plain =
      !word.isEmpty
      && word.unicodeScalars.allSatisfy { scalar in
        scalar.isASCII
          ? (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "-_./=:,+@%".unicodeScalars.contains(scalar))
          : scalar.properties.isAlphabetic
      }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
