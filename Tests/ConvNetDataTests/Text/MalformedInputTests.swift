import ConvNetData
import ConvNetTensor
import XCTest

/// Damaged files end in a thrown error or a result, never a trap: every truncation and
/// thousands of random byte changes of a valid catalogue and table. Every error names the file.
final class MalformedInputTests: XCTestCase {
  func testDamagedCataloguesNeverTrap() {
    let valid = MOFile.bytes(MOFile.sample)
    XCTAssertNoThrow(try GettextCatalog(bytes: valid, file: "valid.mo"))
    var refused = 0
    var read = 0
    func attempt(_ bytes: [UInt8], file: String) {
      do {
        _ = try GettextCatalog(bytes: bytes, file: file)
        read += 1
      } catch {
        refused += 1
        XCTAssert("\(error)".contains(file), "the error does not name the file: \(error)")
      }
    }
    for length in 0..<valid.count { attempt(Array(valid.prefix(length)), file: "cut.mo") }
    // Every proper prefix is missing part of a table or string the header promises.
    XCTAssertEqual(refused, valid.count, "truncated catalogues read without an error")
    var generator = SeededGenerator(seed: 14)
    for _ in 0..<5000 {
      var bytes = valid
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let position = Int(generator.next() % UInt64(bytes.count))
        bytes[position] = UInt8(truncatingIfNeeded: generator.next())
      }
      attempt(bytes, file: "damaged.mo")
    }
    // The damage reaches both outcomes: some changes only alter text, others break the layout.
    XCTAssertGreaterThan(read, 0)
    XCTAssertGreaterThan(refused, valid.count)
  }

  func testDamagedTablesNeverTrap() throws {
    let valid = Array("a,b,y\n\"x,1\",2,3\n\"q\"\"r\",4,5\nNA,6,7\n".utf8)
    var generator = SeededGenerator(seed: 15)
    let alphabet = Array("\",\n\r\tNA?0.5".utf8) + [0xE5, 0xBA, 0x8A, 0xFF]
    var tables = 0
    var fits = 0
    for _ in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + Int(generator.next() % 3)) {
        let position = Int(generator.next() % UInt64(bytes.count))
        bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      let table: DelimitedTable
      do {
        table = try DelimitedTable.parse(
          try UTF8Text.decode(bytes, file: "t.csv"), file: "t.csv", dialect: .csv)
        tables += 1
      } catch {
        XCTAssert("\(error)".contains("t.csv"), "the error does not name the file: \(error)")
        continue
      }
      var options = TabularPreprocessing.Options()
      options.missingValues = generator.next() % 2 == 0 ? .error : .dropRow
      for target in table.header {
        guard
          let fitted = try? TabularPreprocessing.fit(
            table, target: target, trainingRows: Array(table.rows.indices.prefix(2)), options: options)
        else { continue }
        fits += 1
        _ = try? fitted.transform(table, rows: Array(table.rows.indices))
      }
    }
    // The damage reaches both outcomes: tables that still parse and fit, and refused ones.
    XCTAssertGreaterThan(tables, 0)
    XCTAssertLessThan(tables, 3000)
    XCTAssertGreaterThan(fits, 0)
  }
}
