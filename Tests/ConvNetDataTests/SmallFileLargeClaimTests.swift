import ConvNetCompression
import ConvNetData
import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// A small file never costs a large allocation (issue 12 §2), and paths that are not files are
/// named as such (§6).
final class SmallFileLargeClaimTests: XCTestCase {
  /// gzip of `prefix` then `zeros` zero bytes: literals, then matches of 258 at distance 1.
  private func gzip(prefix: [UInt8], zeros: Int) -> [UInt8] {
    var writer = DeflateBitWriter()
    writer.field(1, bits: 1)
    writer.field(1, bits: 2)
    for byte in prefix + [0] {
      if byte < 144 {
        writer.code(0x30 + Int(byte), bits: 8)
      } else {
        writer.code(0x190 + Int(byte) - 144, bits: 9)
      }
    }
    var remaining = zeros - 1
    while remaining >= 258 {
      writer.code(0xC5, bits: 8)
      writer.code(0, bits: 5)
      remaining -= 258
    }
    for _ in 0..<remaining { writer.code(0x30, bits: 8) }
    writer.code(0, bits: 7)
    var crc = CRC32()
    crc.update(prefix)
    crc.update([UInt8](repeating: 0, count: zeros))
    let size = UInt32(truncatingIfNeeded: prefix.count + zeros)
    return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + writer.bytes
      + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc.value >> $0) }
      + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: size >> $0) }
  }

  /// An IDX header for 1×28×28 (800 bytes in all) followed by 20 MB of zeros: refused, naming
  /// the size the header gives; the same file cut to its 800 bytes reads.
  func testGzipInflationIsCappedAtTheHeaderSize() throws {
    let header = IDXTestDirectory.header(type: 0x08, dimensions: [1, 28, 28])
    let bomb = gzip(prefix: header, zeros: 784 + 20_000_000)
    XCTAssertLessThan(bomb.count, 200_000)
    XCTAssertThrowsError(try IDXReader.parse(Data(bomb), fileName: "bomb.gz")) { error in
      XCTAssertEqual(
        "\(error)",
        "bomb.gz: gzip data decompresses to more than the 800 bytes its IDX header describes: extra bytes at the end"
      )
    }
    let exact = try IDXReader.parse(Data(gzip(prefix: header, zeros: 784)), fileName: "exact.gz")
    XCTAssertEqual(exact.dimensions, [1, 28, 28])
    // The inflater alone: the limit holds, the output is refused once past it.
    XCTAssertThrowsError(try Gzip.decompress(Data(bomb), maximumSize: 1000)) { error in
      XCTAssertEqual((error as? CompressionError)?.kind, .outputLimitExceeded)
    }
    XCTAssertEqual(
      try Gzip.decompressedPrefix(Data(bomb), count: 20),
      Array((header + [UInt8](repeating: 0, count: 4)).prefix(20)))
  }

  /// A stray label of 250 among the digits 0…9 (11 distinct labels, 240 empty classes) is
  /// refused naming the file, the label's index and its value; 6 empty classes of 16 are not.
  func testClassCountFarAboveTheLabelsIsRefused() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: (0..<19).map { UInt8($0 % 10) } + [250])
    XCTAssertThrowsError(try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train)) {
      error in
      let error = error as? DataError
      XCTAssertEqual(error?.file, directory.url.appendingPathComponent("train-labels-idx1-ubyte").path)
      XCTAssertEqual(error?.field, "label 19")
      XCTAssertTrue(
        error?.problem.hasPrefix("is 250, but only 11 distinct labels occur") ?? false,
        "\(String(describing: error))")
    }
    let sparse = try IDXTestDirectory()
    try sparse.writeMNISTPair(labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 15])
    XCTAssertEqual(
      try ImageClassificationDataset.mnistStyle(directory: sparse.url, split: .train).classCount, 16)
  }

  func testCSVLabelOfTenMillionIsRefusedWithItsLine() throws {
    let directory = try IDXTestDirectory()
    let url = try directory.write(
      "train.csv", Array("label,a,b,c,d\n1,0,0,0,0\n\n10000000,0,0,0,0\n0,1,1,1,1\n".utf8))
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      let error = error as? DataError
      XCTAssertEqual(error?.file, url.path)
      XCTAssertEqual(error?.field, "line 4, column 1 (label)")
      XCTAssertTrue(
        error?.problem.hasPrefix("is 10000000, but only 3 distinct labels occur (0, 1, 10000000)") ?? false,
        "\(String(describing: error))")
    }
  }

  func testDirectoriesAndFIFOsAreNamedAsSuch() throws {
    let directory = try IDXTestDirectory()
    XCTAssertThrowsError(try IDXReader.read(contentsOf: directory.url)) { error in
      XCTAssertEqual("\(error)", "\(directory.url.path): file is a directory, expected a file")
    }
    let fifo = directory.url.appendingPathComponent("pipe.csv")
    XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: fifo)) { error in
      XCTAssertEqual("\(error)", "\(fifo.path): file is not a regular file (a FIFO, socket or device)")
    }
  }
}
