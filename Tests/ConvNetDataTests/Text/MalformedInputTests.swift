import ConvNetData
import ConvNetTensor
import XCTest

/// Damaged files end in a thrown error or a result, never a trap: every truncation and
/// thousands of random byte changes of a valid catalogue and table.
final class MalformedInputTests: XCTestCase {
  func testDamagedCataloguesNeverTrap() {
    let valid = MOFile.bytes(MOFile.sample)
    for length in 0..<valid.count {
      _ = try? GettextCatalog(bytes: Array(valid.prefix(length)), file: "cut.mo")
    }
    var generator = SeededGenerator(seed: 14)
    for _ in 0..<5000 {
      var bytes = valid
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let position = Int(generator.next() % UInt64(bytes.count))
        bytes[position] = UInt8(truncatingIfNeeded: generator.next())
      }
      _ = try? GettextCatalog(bytes: bytes, file: "damaged.mo")
    }
  }

  func testDamagedTablesNeverTrap() throws {
    let valid = Array("a,b,y\n\"x,1\",2,3\n\"q\"\"r\",4,5\nNA,6,7\n".utf8)
    var generator = SeededGenerator(seed: 15)
    let alphabet = Array("\",\n\r\tNA?0.5".utf8) + [0xE5, 0xBA, 0x8A, 0xFF]
    for _ in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + Int(generator.next() % 3)) {
        let position = Int(generator.next() % UInt64(bytes.count))
        bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      guard let text = try? UTF8Text.decode(bytes, file: "t.csv"),
        let table = try? DelimitedTable.parse(text, file: "t.csv", dialect: .csv)
      else { continue }
      var options = TabularPreprocessing.Options()
      options.missingValues = generator.next() % 2 == 0 ? .error : .dropRow
      for target in table.header {
        guard
          let fitted = try? TabularPreprocessing.fit(
            table, target: target, trainingRows: Array(table.rows.indices.prefix(2)), options: options)
        else { continue }
        _ = try? fitted.transform(table, rows: Array(table.rows.indices))
      }
    }
  }
}
