import ConvNetAutograd
import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

import ConvNetONNX

/// The importer on graphs built here, with results worked out by hand: forward values, refusals
/// (their messages), constant folding, and fine-tuning (the loss falls, the weights save under
/// their ONNX names and reload).
final class ONNXImportTests: XCTestCase {
  func float(_ name: String, _ shape: [Int]) -> ONNXValueInfo {
    ONNXValueInfo(name: name, elementType: .float, shape: shape.map { $0 < 0 ? nil : $0 })
  }

  /// x [N, 1, 3, 3] → Conv (2×2 ones, bias 0) → Relu → MaxPool 2×2 stride 1 → Flatten → Gemm
  /// (B [2, 1], transB, C [2]).
  func convNetGraph() -> ONNXGraph {
    ONNXGraph(
      nodes: [
        ONNXNode(name: "conv", opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"],
          attributes: ["kernel_shape": .ints([2, 2])], index: 0),
        ONNXNode(name: "relu", opType: "Relu", inputs: ["c"], outputs: ["r"], index: 1),
        ONNXNode(name: "pool", opType: "MaxPool", inputs: ["r"], outputs: ["p"],
          attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([1, 1])], index: 2),
        ONNXNode(name: "flat", opType: "Flatten", inputs: ["p"], outputs: ["f"], index: 3),
        ONNXNode(name: "fc", opType: "Gemm", inputs: ["f", "fc.weight", "fc.bias"], outputs: ["y"],
          attributes: ["transB": .int(1)], index: 4),
      ],
      initializers: [
        ("w", .float(Tensor(shape: [1, 1, 2, 2], repeating: 1))), ("b", .float(Tensor(shape: [1], scalars: [0]))),
        ("fc.weight", .float(Tensor(shape: [2, 1], scalars: [1, -1]))),
        ("fc.bias", .float(Tensor(shape: [2], scalars: [0.5, 0.5]))),
      ],
      inputs: [float("x", [-1, 1, 3, 3])], outputs: [float("y", [-1, 2])], opsetVersion: 13)
  }

  /// x = 1…9 in a 3×3 image: the 2×2 sums are 12, 16, 24, 28; their max is 28; the Gemm gives
  /// 28·1 + 0.5 and 28·(−1) + 0.5.
  func testForwardByHand() throws {
    let module = try ONNXGraphModule(graph: convNetGraph())
    let y = try module.infer(Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init)))
    XCTAssertEqual(y.shape, [1, 2])
    assertClose(y.scalars, [28.5, -27.5])
    XCTAssertEqual(module.namedParameters().map(\.name), ["w", "b", "fc.weight", "fc.bias"])
  }

  func testWrongInputShapeIsRefusedByName() throws {
    let module = try ONNXGraphModule(graph: convNetGraph())
    XCTAssertThrowsError(try module.infer(Tensor.zeros([1, 2, 3, 3]))) { error in
      XCTAssertEqual(
        "\(error)", "ONNX graph input \"x\": shape [1, 2, 3, 3] does not match the declared ?×1×3×3")
    }
  }

  /// An unknown operator, an unknown attribute, an unsupported attribute value and an opset out
  /// of range are refused when the module is made, naming the node and what is supported.
  func testRefusals() {
    func refusal(_ node: ONNXNode, opset: Int = 13) -> String {
      let graph = ONNXGraph(
        nodes: [node], initializers: [], inputs: node.inputs.map { float($0, [1, 2]) }, outputs: [float("y", [1, 2])],
        opsetVersion: opset)
      do {
        _ = try ONNXGraphModule(graph: graph)
        return "accepted"
      } catch let error as ONNXImportError {
        XCTAssertTrue(error.isUnsupported, "\(error)")
        return error.description
      } catch {
        return "\(error)"
      }
    }
    let lstm = refusal(ONNXNode(name: "rnn", opType: "LSTM", inputs: ["x"], outputs: ["y"], index: 0))
    XCTAssertTrue(lstm.hasPrefix("ONNX node 0 (LSTM \"rnn\"): unsupported operator LSTM; supported: Add, "), lstm)
    XCTAssertTrue(lstm.contains("Conv, ConvTranspose"), lstm)
    let attribute = refusal(
      ONNXNode(name: "", opType: "Relu", inputs: ["x"], outputs: ["y"], attributes: ["alpha": .float(2)], index: 0))
    XCTAssertTrue(attribute.hasPrefix("ONNX node 0 (Relu): unsupported attribute alpha of Relu"), attribute)
    let mode = refusal(
      ONNXNode(name: "p", opType: "Pad", inputs: ["x"], outputs: ["y"],
        attributes: ["mode": .string("wrap"), "pads": .ints([0, 1, 0, 1])], index: 0))
    XCTAssertEqual(mode, "ONNX node 0 (Pad \"p\"): unsupported Pad mode wrap; supported: constant, reflect, edge")
    let opset = refusal(ONNXNode(name: "", opType: "Relu", inputs: ["x"], outputs: ["y"], index: 0), opset: 28)
    XCTAssertEqual(opset, "ONNX model: unsupported opset 28; supported: opsets 1–27 of the default domain")
    let bnTraining = refusal(
      ONNXNode(name: "", opType: "BatchNormalization", inputs: ["x", "s", "b", "m", "v"], outputs: ["y"],
        attributes: ["training_mode": .int(1)], index: 0))
    XCTAssertTrue(bnTraining.contains("unsupported BatchNormalization training_mode 1"), bnTraining)
  }

  /// A Reshape whose shape comes from Constant → Concat is folded at load time; the Reshape
  /// itself depends on the input and stays.
  func testConstantFolding() throws {
    let graph = ONNXGraph(
      nodes: [
        ONNXNode(name: "", opType: "Constant", inputs: [], outputs: ["a"],
          attributes: ["value_ints": .ints([-1])], index: 0),
        ONNXNode(name: "", opType: "Constant", inputs: [], outputs: ["b"],
          attributes: ["value": .tensor(.integer(IntegerTensor(vector: [3])))], index: 1),
        ONNXNode(name: "", opType: "Concat", inputs: ["a", "b"], outputs: ["shape"],
          attributes: ["axis": .int(0)], index: 2),
        ONNXNode(name: "", opType: "Reshape", inputs: ["x", "shape"], outputs: ["y"], index: 3),
      ],
      initializers: [], inputs: [float("x", [2, 3, 2])], outputs: [float("y", [4, 3])], opsetVersion: 13)
    let module = try ONNXGraphModule(graph: graph)
    XCTAssertEqual(module.foldedNodeCount, 3)
    XCTAssertEqual(module.nodes.map(\.opType), ["Reshape"])
    XCTAssertEqual(try module.infer(Tensor.zeros([2, 3, 2])).shape, [4, 3])
  }

  /// Fine-tuning: SGD steps on one batch lower the cross-entropy; the trained weights save under
  /// the initializer names and load into a fresh import, which then gives the trained outputs.
  func testFineTuningTrainsAndWeightsReload() throws {
    let module = try ONNXGraphModule(graph: convNetGraph())
    let x = Tensor(shape: [2, 1, 3, 3], scalars: (0..<18).map { Float(($0 * 7) % 11) / 10 - 0.3 })
    let labels = [1, 0]
    let optimizer = SGD(parameters: module.parameters, learningRate: 0.05)
    var losses: [Float] = []
    for _ in 0..<5 {
      optimizer.zeroGradients()
      let loss = softmaxCrossEntropy(module(Variable(x)), labels: labels)
      loss.backward()
      optimizer.step()
      losses.append(loss.value.scalar)
    }
    XCTAssertLessThan(losses.last!, losses.first!, "\(losses)")
    for (name, parameter) in module.namedParameters() {
      XCTAssertNotNil(parameter.grad, "\(name) got no gradient")
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-finetune-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: file) }
    try writeStateDict(Dictionary(uniqueKeysWithValues: module.stateDict().map { ($0.name, $0.value) }), to: file)
    let trained = try module.infer(x)
    let reloaded = try ONNXGraphModule(graph: convNetGraph())
    XCTAssertNotEqual(try reloaded.infer(x).scalars, trained.scalars)
    try reloaded.loadStateDict(readStateDict(from: file))
    XCTAssertEqual(try reloaded.infer(x).scalars, trained.scalars)
  }

  /// Batch-norm statistics are buffers (saved, not trained); the scale and bias train.
  func testBatchNormStatisticsAreBuffers() throws {
    let graph = ONNXGraph(
      nodes: [
        ONNXNode(name: "bn", opType: "BatchNormalization", inputs: ["x", "s", "b", "m", "v"], outputs: ["y"],
          attributes: ["epsilon": .float(0)], index: 0)
      ],
      initializers: [
        ("s", .float(Tensor(shape: [2], scalars: [2, 3]))), ("b", .float(Tensor(shape: [2], scalars: [1, -1]))),
        ("m", .float(Tensor(shape: [2], scalars: [1, 2]))), ("v", .float(Tensor(shape: [2], scalars: [4, 9]))),
      ],
      inputs: [float("x", [1, 2])], outputs: [float("y", [1, 2])], opsetVersion: 15)
    let module = try ONNXGraphModule(graph: graph)
    XCTAssertEqual(module.namedParameters().map(\.name), ["s", "b"])
    XCTAssertEqual(module.namedBuffers().map(\.name), ["m", "v"])
    // (5 − 1)/2·2 + 1 = 5 and (8 − 2)/3·3 − 1 = 5.
    assertClose(try module.infer(Tensor(shape: [1, 2], scalars: [5, 8])).scalars, [5, 5])
  }
}
