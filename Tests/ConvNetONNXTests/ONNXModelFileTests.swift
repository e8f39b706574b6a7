import ConvNetONNX
import ConvNetTensor
import Foundation
import XCTest

/// Reading and writing .onnx files and converting their tensors, against `Fixtures/tiny.onnx`
/// (made by onnx's own helpers: `Fixtures/make_tiny_model.py`, whose docstring gives the values).
final class ONNXModelFileTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  static let tiny = fixtures.appendingPathComponent("tiny.onnx")

  private func initializer(_ name: String, in model: Onnx_ModelProto) throws -> Onnx_TensorProto {
    try XCTUnwrap(model.graph.initializer.first { $0.name == name }, "no initializer \(name)")
  }

  func testReadsOnnxWrittenTensorsInBothEncodings() throws {
    let model = try ONNXModelFile.read(Self.tiny)
    XCTAssertEqual(model.irVersion, 8)
    XCTAssertEqual(model.opsetImport.map(\.version), [17])
    XCTAssertEqual(model.graph.node.map(\.opType), ["Identity"])
    let w = try initializer("w", in: model).floatTensor()  // raw_data
    XCTAssertEqual(w.shape, [2, 3])
    XCTAssertEqual(w.scalars, [-3, -1.5, 0, 1.5, 3, 4.5])
    let b = try initializer("b", in: model).floatTensor()  // float_data
    XCTAssertEqual(b.shape, [2])
    XCTAssertEqual(b.scalars, [0.25, -3])
    XCTAssertEqual(try initializer("shape", in: model).int64Values(), [-1, 6])
  }

  func testRefusesOtherElementTypesByName() throws {
    let model = try ONNXModelFile.read(Self.tiny)
    XCTAssertThrowsError(try initializer("h", in: model).floatTensor()) { error in
      XCTAssertEqual(
        "\(error)", "tensor \"h\": element type FLOAT16 is not supported; expected FLOAT (float32)")
    }
    XCTAssertThrowsError(try initializer("w", in: model).int64Values()) { error in
      XCTAssertTrue("\(error)".contains("element type FLOAT is not supported here; expected INT64"))
    }
  }

  func testRefusesValueCountsThatDisagreeWithTheShape() throws {
    var tensor = Onnx_TensorProto(name: "t", tensor: Tensor(shape: [3], scalars: [1, 2, 3]))
    tensor.dims = [4]
    XCTAssertThrowsError(try tensor.floatTensor()) { error in
      XCTAssertEqual("\(error)", "tensor \"t\": raw_data holds 12 bytes, expected 4·4 = 16 for FLOAT [4]")
    }
    tensor.dims = [-1]
    XCTAssertThrowsError(try tensor.floatTensor())
    tensor.clearRawData()
    tensor.dims = [2]
    tensor.floatData = [1]
    XCTAssertThrowsError(try tensor.floatTensor()) { error in
      XCTAssertTrue("\(error)".contains("float_data holds 1 values, expected 2"))
    }
    tensor.dataLocation = .external
    tensor.floatData = [1, 2]
    XCTAssertThrowsError(try tensor.floatTensor()) { error in
      XCTAssertTrue("\(error)".contains("external file"))
    }
  }

  /// Protobuf reads many byte strings as a message; a model without its graph or IR version is
  /// not one (a saved tensor, say, or the first bytes of a file that was cut short).
  func testAMessageWithoutGraphOrIRVersionIsNotAModel() throws {
    var onlyVersion = Onnx_ModelProto()
    onlyVersion.irVersion = 8
    XCTAssertThrowsError(try ONNXModelFile.decode(try onlyVersion.serializedBytes(), path: "v.onnx")) {
      XCTAssertEqual("\($0)", "v.onnx: not an ONNX model: no graph; the file may be truncated or not an .onnx file")
    }
    var onlyGraph = Onnx_ModelProto()
    onlyGraph.graph.name = "g"
    XCTAssertThrowsError(try ONNXModelFile.decode(try onlyGraph.serializedBytes(), path: "g.onnx")) {
      XCTAssertTrue("\($0)".hasPrefix("g.onnx: not an ONNX model: no ir_version;"), "\($0)")
    }
    XCTAssertThrowsError(try ONNXModelFile.decode(Data([0x0A, 0x00]), path: "t.onnx")) {
      XCTAssertTrue("\($0)".hasPrefix("t.onnx: "), "\($0)")
    }
  }

  func testWriteThenReadKeepsEveryBit() throws {
    let values: [Float] = [0, -0.0, 1e-38, .pi, -65504.5, .greatestFiniteMagnitude, 3, 1e-45]
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.graph.name = "g"
    model.graph.initializer = [
      Onnx_TensorProto(name: "a", tensor: Tensor(shape: [2, 4], scalars: values)),
      Onnx_TensorProto(name: "s", int64Values: [Int64.min, 0, 7, Int64.max]),
    ]
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-rt-\(getpid()).onnx")
    defer { try? FileManager.default.removeItem(at: url) }
    try ONNXModelFile.write(model, to: url)
    let back = try ONNXModelFile.read(url)
    let a = try initializer("a", in: back).floatTensor()
    XCTAssertEqual(a.shape, [2, 4])
    XCTAssertEqual(a.scalars.map(\.bitPattern), values.map(\.bitPattern))
    XCTAssertEqual(try initializer("s", in: back).int64Values(), [Int64.min, 0, 7, Int64.max])
  }

  /// Every truncation of a real file, and garbage, is a thrown error naming the file or a
  /// decoded message — never a trap. Cuts inside the graph (the file's last field but the
  /// opset) must throw.
  func testTruncatedAndGarbageFilesThrowNamingTheFile() throws {
    let bytes = try Data(contentsOf: Self.tiny)
    var thrown = 0
    for length in 0..<bytes.count {
      do {
        _ = try ONNXModelFile.decode(bytes.prefix(length), path: "cut.onnx")
      } catch let error as ONNXError {
        XCTAssertTrue("\(error)".hasPrefix("cut.onnx: "), "\(error)")
        thrown += 1
      }
    }
    // Only cuts between the fields after the graph (opset_import) can decode: at most a few.
    XCTAssertGreaterThan(thrown, bytes.count - 4)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let garbage = Data(
        (0..<Int.random(in: 1...300, using: &generator)).map { _ in
          UInt8.random(in: 0...255, using: &generator)
        })
      do { _ = try ONNXModelFile.decode(garbage, path: "garbage.onnx") } catch let error as ONNXError {
        XCTAssertTrue("\(error)".hasPrefix("garbage.onnx: "))
      }
    }
    XCTAssertThrowsError(try ONNXModelFile.read(URL(fileURLWithPath: "/nonexistent/m.onnx"))) { error in
      XCTAssertTrue("\(error)".hasPrefix("/nonexistent/m.onnx: cannot read the file"))
    }
  }
}
