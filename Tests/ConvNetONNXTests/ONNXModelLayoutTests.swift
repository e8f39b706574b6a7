import ConvNetModels
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import Foundation
import XCTest

/// `ONNXGraph(contentsOf:)` reads a file by its layout (the model without its weights decoded
/// once, then each initializer on its own): it must give exactly the graph that decoding the
/// whole file gives (`ONNXGraph(model: ONNXModelFile.read(url))`), and a damaged file must throw
/// whenever the whole decode throws, never trap.
final class ONNXModelLayoutTests: XCTestCase {
  func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(getpid())-\(name).onnx")
  }

  /// A small network's export (MobileNetV2 at width 0.25: 52 Conv nodes, 262 initializers).
  func exportedFile() throws -> URL {
    let model = RandomSource.withSeed(31) { MobileNetV2(classCount: 10, widthMultiplier: 0.25) }
    model.eval()
    let url = temporaryFile("mobilenet")
    try ONNXModelFile.write(try ONNXExport.export(model, inputShape: [3, 32, 32]), to: url)
    return url
  }

  func assertSameGraph(_ a: ONNXGraph, _ b: ONNXGraph, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.opsetVersion, b.opsetVersion, file: file, line: line)
    XCTAssertEqual(a.nodes.map(\.label), b.nodes.map(\.label), file: file, line: line)
    XCTAssertEqual(a.nodes.map(\.inputs), b.nodes.map(\.inputs), file: file, line: line)
    XCTAssertEqual(a.nodes.map(\.outputs), b.nodes.map(\.outputs), file: file, line: line)
    XCTAssertEqual(a.inputs.map(\.name), b.inputs.map(\.name), file: file, line: line)
    XCTAssertEqual(a.outputs.map(\.name), b.outputs.map(\.name), file: file, line: line)
    XCTAssertEqual(a.initializers.map(\.name), b.initializers.map(\.name), file: file, line: line)
    for (x, y) in zip(a.initializers, b.initializers) {
      switch (x.value, y.value) {
      case (.float(let s), .float(let t)):
        XCTAssertEqual(s.shape, t.shape, x.name, file: file, line: line)
        XCTAssertEqual(s.scalars, t.scalars, x.name, file: file, line: line)
      case (.integer(let s), .integer(let t)):
        XCTAssertEqual(s, t, x.name, file: file, line: line)
      default:
        XCTFail("\(x.name): different kinds", file: file, line: line)
      }
    }
  }

  func testLayoutReadGivesTheWholeDecodesGraph() throws {
    let url = try exportedFile()
    defer { try? FileManager.default.removeItem(at: url) }
    let byLayout = try ONNXGraph(contentsOf: url)
    let whole = try ONNXGraph(model: ONNXModelFile.read(url))
    XCTAssertEqual(byLayout.nodes.filter { $0.opType == "Conv" }.count, 52)
    XCTAssertGreaterThan(byLayout.initializers.count, 100)
    assertSameGraph(byLayout, whole)
    // onnx's own file (raw_data and float_data encodings, an int64 initializer, a float16 one
    // that is refused by name): the same refusal either way.
    let tiny = ONNXModelFileTests.tiny
    var messages: [String] = []
    for load in [{ try ONNXGraph(contentsOf: tiny) }, { try ONNXGraph(model: ONNXModelFile.read(tiny)) }] {
      XCTAssertThrowsError(try load()) { messages.append("\($0)") }
    }
    XCTAssertEqual(messages.count, 2)
    XCTAssertEqual(messages.first, messages.last)
    XCTAssertTrue(messages.first?.lowercased().contains("float16") ?? false, "\(messages)")
  }

  /// Cuts through the file (inside initializers, the nodes and the last fields) and a flipped
  /// length byte: the layout read throws exactly when the whole decode throws, with an error
  /// naming the file, and otherwise gives the same graph.
  func testDamagedFilesThrowAsTheWholeDecodeDoes() throws {
    let url = try exportedFile()
    defer { try? FileManager.default.removeItem(at: url) }
    let bytes = try Data(contentsOf: url)
    let damaged = temporaryFile("damaged")
    defer { try? FileManager.default.removeItem(at: damaged) }
    var cuts = stride(from: 1, to: bytes.count, by: max(1, bytes.count / 40)).map { $0 }
    cuts += (1...8).map { bytes.count - $0 }
    var variants = cuts.map { bytes.prefix($0) }
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x80
    variants.append(flipped)
    var thrown = 0
    for data in variants {
      try data.write(to: damaged)
      let whole = Result { try ONNXGraph(model: ONNXModelFile.read(damaged)) }
      let byLayout = Result { try ONNXGraph(contentsOf: damaged) }
      switch (whole, byLayout) {
      case (.success(let a), .success(let b)):
        assertSameGraph(b, a)
      case (.failure, .failure(let error)):
        thrown += 1
        if error is ONNXError { XCTAssertTrue("\(error)".hasPrefix(damaged.path), "\(error)") }
      default:
        XCTFail("length \(data.count): whole decode \(whole), layout read \(byLayout)")
      }
    }
    XCTAssertGreaterThan(thrown, cuts.count / 2)
  }
}
