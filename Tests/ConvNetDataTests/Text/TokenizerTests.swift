import ConvNetData
import XCTest

final class TokenizerTests: XCTestCase {
  func testCharactersAreUnicodeScalarsWithLineBreaksAndPunctuation() {
    let poem = "床前明月光，\n疑是地上霜。"
    XCTAssertEqual(
      Tokenizer.characters.tokens(in: poem),
      ["床", "前", "明", "月", "光", "，", "\n", "疑", "是", "地", "上", "霜", "。"])
    XCTAssertEqual(Tokenizer.characters.text(from: Tokenizer.characters.tokens(in: poem)), poem)
    // A decomposed é (e + U+0301) is two scalars: two tokens, as Python's list(text) gives.
    XCTAssertEqual(Tokenizer.characters.tokens(in: "e\u{301} a"), ["e", "\u{301}", " ", "a"])
    XCTAssertEqual(Tokenizer.charactersWithoutSpaces.tokens(in: "a b\t c\nd"), ["a", "b", "c", "\n", "d"])
  }

  func testWordsAreLowerCasedWithPunctuationSplitOff() {
    let tokens = Tokenizer.words.tokens(in: "Don't open the File, please!  (Now: 3.5 MB)")
    XCTAssertEqual(
      tokens, ["don't", "open", "the", "file", ",", "please", "!", "(", "now", ":", "3", ".", "5", "mb", ")"])
    XCTAssertEqual(Tokenizer.words.text(from: Array(tokens.prefix(7))), "don't open the file, please!")
    XCTAssertEqual(Tokenizer.words.tokens(in: "Open 文件'"), ["open", "文", "件", "'"])
    XCTAssertEqual(Tokenizer.words.text(from: ["打", "开", "file", "."]), "打开 file.")
  }
}
