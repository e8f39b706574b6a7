import ConvNetCompression
import Foundation
import XCTest

/// DEFLATE and zlib compression: every stream must decode, through the project's own inflater
/// and through Python's zlib (Fixtures/check_zlib_streams.py), to exactly the input.
final class DeflateTests: XCTestCase {
  /// Inputs that exercise the encoder's edges.
  static let samples: [(String, [UInt8])] = {
    var random = SeededBytes(seed: 7)
    let noise = random.bytes(100_000)
    // 32 KiB of noise repeated: the only matches are exactly one window (32768 bytes) back.
    let window = random.bytes(32768)
    // Noise repeated at 32769: just out of reach, so nothing should match.
    let beyond = random.bytes(32769)
    var runs: [UInt8] = []
    for i in 0..<300 { runs += [UInt8](repeating: UInt8(i % 7), count: (i * 37) % 700 + 1) }
    return [
      ("empty", []),
      ("one-byte", [0x41]),
      ("two-bytes", [0x41, 0x41]),
      ("zeros", [UInt8](repeating: 0, count: 70_000)),
      ("runs", runs),
      ("noise", noise),
      ("text", fixtureWordText(wordCount: 16000)),
      ("window-distance", window + window + window.prefix(1000)),
      ("beyond-window", beyond + beyond),
      ("short-text", Array("Hello, DEFLATE! Hello, DEFLATE! Hello, gzip and zlib.".utf8)),
      ("gradient", (0..<90_000).map { UInt8(truncatingIfNeeded: $0 / 3 + ($0 % 5)) }),
      ("fibonacci", fibonacciBytes()),
    ]
  }()

  func testRoundTripThroughOwnInflater() throws {
    for (name, input) in DeflateTests.samples {
      for level in 0...9 {
        for strategy in [Deflate.Strategy.automatic, .fixedHuffman, .huffmanOnly] {
          let raw = Deflate.compress(input, level: level, strategy: strategy)
          XCTAssertEqual(
            try Inflate.decompress(raw), input, "\(name) level \(level) \(strategy): raw DEFLATE")
          let zlib = Zlib.compress(input, level: level, strategy: strategy)
          XCTAssertEqual(try Zlib.decompress(zlib), input, "\(name) level \(level): zlib")
        }
      }
    }
  }

  func testCompressesRedundantInput() {
    let samples = Dictionary(uniqueKeysWithValues: DeflateTests.samples)
    // 70,000 zeros: one literal, then 271 matches of 258, each 13 bits in fixed codes (8 for
    // length symbol 285, 5 for distance code 0): 271 · 13 / 8 ≈ 440 bytes.
    XCTAssertLessThan(Deflate.compress(samples["zeros"]!, strategy: .fixedHuffman).count, 450)
    // Text from 16 words: well under a third of its size even with fixed codes.
    let text = samples["text"]!
    XCTAssertLessThan(Deflate.compress(text, strategy: .fixedHuffman).count, text.count / 3)
    // The second copy of the window is found at distance 32768 exactly, so the 66,536 bytes
    // shrink to about one copy of the noise.
    let window = samples["window-distance"]!
    XCTAssertLessThan(Deflate.compress(window).count, 35_000)
    // Noise cannot be compressed: each block of 16384 literals is stored (5 bytes of header).
    let noise = samples["noise"]!
    XCTAssertLessThanOrEqual(Deflate.compress(noise).count, noise.count + 5 * (noise.count / 16384 + 1))
  }

  func testDynamicBlocksBeatFixedOnes() {
    let text = fixtureWordText(wordCount: 16000)
    let automatic = Deflate.compress(text)
    let fixed = Deflate.compress(text, strategy: .fixedHuffman)
    XCTAssertEqual((automatic[0] >> 1) & 3, 2, "text's first block is dynamic")
    // Sixteen words use few literals: dynamic codes save well over a tenth.
    XCTAssertLessThan(automatic.count, fixed.count * 9 / 10)
    // 70,000 zeros: one literal and 271 matches of 258 at distance 1 — with only three
    // symbols in use the data takes ~2 bits a match, so the header dominates.
    XCTAssertLessThan(Deflate.compress([UInt8](repeating: 0, count: 70_000)).count, 100)
  }

  func testHuffmanOnlyLimitsCodeLengths() throws {
    let bytes = fibonacciBytes()
    XCTAssertEqual(bytes.count, 10_944)
    let stream = Deflate.compress(bytes, strategy: .huffmanOnly)
    XCTAssertEqual((stream[0] >> 1) & 3, 2, "one dynamic block")
    XCTAssertEqual(try Inflate.decompress(stream), bytes)
    // The counts' entropy is 2.509 bits a byte, 3,433 bytes; the 15-bit code (lengths 1…12,
    // 14 and six of 15) spends 28,642 bits = 3,580 bytes on the data, plus a small header.
    XCTAssertGreaterThan(stream.count, 3_433)
    XCTAssertLessThan(stream.count, 3_650)
  }

  func testBlockTypes() {
    let text = Array("Hello, DEFLATE! Hello, DEFLATE! Hello, gzip and zlib.".utf8)
    // BTYPE is bits 1–2 of the first byte.
    XCTAssertEqual((Deflate.compress(text, level: 0)[0] >> 1) & 3, 0, "level 0 stores")
    XCTAssertEqual((Deflate.compress(text, strategy: .fixedHuffman)[0] >> 1) & 3, 1)
    // The empty stream is one final fixed block holding only end-of-block, as zlib writes it.
    XCTAssertEqual(Deflate.compress([], strategy: .fixedHuffman), [0x03, 0x00])
  }

  func testZlibHeaderAndTrailer() {
    let stream = Zlib.compress(Array("Wikipedia".utf8))
    XCTAssertEqual(stream[0], 0x78)
    XCTAssertEqual((Int(stream[0]) << 8 | Int(stream[1])) % 31, 0, "FCHECK")
    XCTAssertEqual(Array(stream.suffix(4)), [0x11, 0xE6, 0x03, 0x98], "Adler-32 of Wikipedia")
    XCTAssertEqual(Array(Zlib.compress([], level: 6).prefix(2)), [0x78, 0x9C], "zlib's default")
  }

  /// Python's zlib decodes every stream (the script compares bytes and prints the sizes).
  func testPythonZlibDecodesOurStreams() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/check_zlib_streams.py")
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("convnet-deflate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    for (name, input) in DeflateTests.samples {
      try Data(input).write(to: directory.appendingPathComponent("\(name).raw"))
      try Data(Zlib.compress(input)).write(to: directory.appendingPathComponent("\(name).zlib"))
      try Data(Deflate.compress(input, level: 9, strategy: .fixedHuffman))
        .write(to: directory.appendingPathComponent("\(name)-fixed9.deflate"))
      try Data(input).write(to: directory.appendingPathComponent("\(name)-fixed9.raw"))
      try Data(Deflate.compress(input, strategy: .huffmanOnly))
        .write(to: directory.appendingPathComponent("\(name)-huffman.deflate"))
      try Data(input).write(to: directory.appendingPathComponent("\(name)-huffman.raw"))
    }
    // Our level 6 must stay within 2 % (+16 bytes) of zlib's level 6 on every input.
    let result = try runPython([script.path, directory.path, "--max-ratio", "1.02"])
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(
      result.output.contains("checked \(3 * DeflateTests.samples.count) streams"),
      result.output)
  }
}

/// Byte k (k < 18) appears F(k + 2) times (Fibonacci: 1, 2, 3, 5, …, 4181), shuffled: 10,944
/// bytes. Huffman-coded without matching (`.huffmanOnly`, one block), these counts and the
/// end-of-block symbol's 1 build a chain 18 deep (each merge joins the newest node and the next
/// leaf), so the encoder must cut the code to DEFLATE's 15 bits — a stream that decodes proves
/// the cut code is still complete and not over-subscribed.
func fibonacciBytes() -> [UInt8] {
  var counts = [1, 2]
  while counts.count < 18 { counts.append(counts[counts.count - 1] + counts[counts.count - 2]) }
  var bytes: [UInt8] = []
  for (k, count) in counts.enumerated() { bytes += [UInt8](repeating: UInt8(k * 10), count: count) }
  var random = SeededBytes(seed: 3)
  for i in stride(from: bytes.count - 1, to: 0, by: -1) {
    let r = random.bytes(3)
    let j = (Int(r[0]) << 16 | Int(r[1]) << 8 | Int(r[2])) % (i + 1)
    bytes.swapAt(i, j)
  }
  return bytes
}

/// A 64-bit linear congruential generator: reproducible noise for compression inputs.
struct SeededBytes {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
  }
}

/// Runs `python3` with `arguments`; skips the test when python3 is not installed.
func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3"] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  do { try process.run() } catch { throw XCTSkip("python3 is not available: \(error)") }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let output = String(decoding: data, as: UTF8.self)
  if process.terminationStatus == 127 { throw XCTSkip("python3 is not available") }
  return (process.terminationStatus, output)
}
