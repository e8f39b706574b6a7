import ConvNet
import Foundation
import XCTest

/// `convnet summary|infer|train --model model.onnx` on a small ONNX file written here (Conv →
/// Relu → GlobalAveragePool → Flatten → Gemm for 1×28×28 images, dynamic batch): the summary
/// lists the nodes, fine-tuning on the bundled MNIST saves the weights under the initializer
/// names, and inference reads them back.
final class ONNXModelCLITests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-cli-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  func writeModel() throws -> String {
    func attribute(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
      var a = Onnx_AttributeProto()
      a.name = name
      a.type = .ints
      a.ints = ints
      return a
    }
    func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = [])
      -> Onnx_NodeProto
    {
      var n = Onnx_NodeProto()
      n.opType = op
      n.name = op.lowercased()
      n.input = inputs
      n.output = outputs
      n.attribute = attributes
      return n
    }
    func value(_ name: String, _ dims: [Int64?]) -> Onnx_ValueInfoProto {
      var info = Onnx_ValueInfoProto()
      info.name = name
      info.type.tensorType.elemType = 1
      info.type.tensorType.shape.dim = dims.map { size in
        var dim = Onnx_TensorShapeProto.Dimension()
        if let size { dim.dimValue = size } else { dim.dimParam = "N" }
        return dim
      }
      return info
    }
    var generator = SeededGenerator(seed: 5)
    func weights(_ shape: [Int], scale: Float) -> Tensor {
      Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -scale...scale, using: &generator) })
    }
    var graph = Onnx_GraphProto()
    graph.name = "tiny"
    graph.node = [
      node("Conv", ["input", "conv.weight", "conv.bias"], ["c"], [attribute("strides", ints: [2, 2])]),
      node("Relu", ["c"], ["r"]),
      node("GlobalAveragePool", ["r"], ["g"]),
      node("Flatten", ["g"], ["f"]),
      node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], [{
        var a = Onnx_AttributeProto()
        a.name = "transB"
        a.type = .int
        a.i = 1
        return a
      }()]),
    ]
    graph.initializer = [
      Onnx_TensorProto(name: "conv.weight", tensor: weights([4, 1, 5, 5], scale: 0.4)),
      Onnx_TensorProto(name: "conv.bias", tensor: weights([4], scale: 0.1)),
      Onnx_TensorProto(name: "fc.weight", tensor: weights([10, 4], scale: 0.5)),
      Onnx_TensorProto(name: "fc.bias", tensor: weights([10], scale: 0.1)),
    ]
    graph.input = [value("input", [nil, 1, 28, 28])]
    graph.output = [value("logits", [nil, 10])]
    var model = Onnx_ModelProto()
    model.irVersion = 8
    var opset = Onnx_OperatorSetIdProto()
    opset.version = 13
    model.opsetImport = [opset]
    model.graph = graph
    let path = folder.appendingPathComponent("tiny.onnx")
    try ONNXModelFile.write(model, to: path)
    return path.path
  }

  func testSummaryTrainAndInfer() throws {
    let model = try writeModel()
    let summary = try ConvNetExecutable.run(["summary", "--model", model])
    XCTAssertEqual(summary.status, 0, summary.standardError)
    XCTAssertTrue(summary.standardOutput.contains("GlobalAveragePool"), summary.standardOutput)
    // (4·25 + 4) + (10·4 + 10) = 154 parameters.
    XCTAssertTrue(summary.standardOutput.contains("Total parameters: 154"), summary.standardOutput)

    let checkpoint = folder.appendingPathComponent("tuned.safetensors").path
    let train = try ConvNetExecutable.run([
      "train", "--model", model, "--epochs", "1", "--max-steps", "20", "--batch-size", "32",
      "--optimizer", "adam", "--lr", "0.05", "--save", checkpoint,
    ])
    XCTAssertEqual(train.status, 0, train.standardError)
    XCTAssertTrue(train.standardError.contains("model: tiny.onnx, 154 parameters"), train.standardError)
    let saved = try SafetensorsFile.read(from: URL(fileURLWithPath: checkpoint)).names
    for name in ["conv.weight", "conv.bias", "fc.weight", "fc.bias"] { XCTAssertTrue(saved.contains(name), "\(saved)") }

    let input = folder.appendingPathComponent("x.safetensors")
    try SafetensorsFile.write(
      [(name: "input", tensor: Tensor(shape: [2, 1, 28, 28], scalars: (0..<1568).map { Float($0 % 17) / 17 }), dtype: .f32)],
      to: input)
    let original = folder.appendingPathComponent("y0.safetensors")
    let tuned = folder.appendingPathComponent("y1.safetensors")
    let first = try ConvNetExecutable.run(["infer", "--model", model, "--input", input.path, "--output", original.path])
    XCTAssertEqual(first.status, 0, first.standardError)
    let second = try ConvNetExecutable.run([
      "infer", "--model", model, "--weights", checkpoint, "--input", input.path, "--output", tuned.path,
    ])
    XCTAssertEqual(second.status, 0, second.standardError)
    let y0 = try SafetensorsFile.read(from: original).tensor(named: "output")
    let y1 = try SafetensorsFile.read(from: tuned).tensor(named: "output")
    XCTAssertEqual(y0.shape, [2, 10])
    XCTAssertNotEqual(y0.scalars, y1.scalars, "the fine-tuned weights were not used")

    let wrong = try ConvNetExecutable.run(["infer", "--model", input.path, "--input", input.path, "--output", tuned.path])
    XCTAssertNotEqual(wrong.status, 0)
    XCTAssertTrue(wrong.standardError.contains("\(input.path): not a valid ONNX model"), wrong.standardError)
  }
}
