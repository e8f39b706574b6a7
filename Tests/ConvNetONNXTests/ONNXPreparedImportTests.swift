import ConvNetAutograd
import ConvNetKernels
import ConvNetModels
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import Foundation
import XCTest

/// Imported graphs run their Conv → [BatchNormalization] → [Add] → [activation] chains prepared
/// (`ONNXConvolutionChain`) when no gradients are recorded: ConvNet's own exports of ResNet-18
/// and MobileNetV2 give the catalogue network's outputs with prepared inference on and off, the
/// chains found are the ones the architecture has (counted by hand and from the graph), and a
/// training step between two inferences is seen.
final class ONNXPreparedImportTests: XCTestCase {
  /// max |a − b| / max |b|.
  func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    XCTAssertEqual(a.shape, b.shape)
    let scale = b.scalars.map(abs).max() ?? 0
    let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    return difference / max(scale, .leastNormalMagnitude)
  }

  /// A seeded network with batch-norm statistics and affine parameters away from 0/1 (so that a
  /// fold that ignored or swapped them would be seen), its export for 3×32×32 images, and the
  /// import of that export.
  func exported(_ build: () -> any Module) throws -> (model: any Module, module: ONNXGraphModule, graph: Onnx_ModelProto) {
    let model = RandomSource.withSeed(11) { build() }
    ONNXExportRoundTripTests.perturbBatchNorms(of: model, seed: 12)
    model.eval()
    let onnx = try ONNXExport.export(model, inputShape: [3, 32, 32])
    return (model, try ONNXGraphModule(graph: ONNXGraph(model: onnx)), onnx)
  }

  func count(_ opType: String, in onnx: Onnx_ModelProto) -> Int {
    onnx.graph.node.filter { $0.opType == opType }.count
  }

  /// The import equals the catalogue network (both prepared, both not), and the prepared run
  /// really ran the chains prepared (and the unprepared one did not).
  func checkMatchesCatalogue(_ model: any Module, _ module: ONNXGraphModule, chains: Int) throws {
    var generator = SeededGenerator(seed: 13)
    let x = Tensor.randomNormal([2, 3, 32, 32], using: &generator)
    for enabled in [true, false] {
      module.releasePreparedChains()
      try PreparedInference.with(enabled: enabled) {
        let expected = withoutGradients { model(Variable(x)) }.value
        let imported = try module.infer(x)
        XCTAssertLessThanOrEqual(relativeError(imported, expected), 1e-5, "prepared \(enabled)")
        XCTAssertEqual(module.preparedChainCount, enabled ? chains : 0, "prepared \(enabled)")
      }
    }
  }

  /// ResNet-18 has 20 convolutions (the stem, two per basic block in 8 blocks, and 3 downsampling
  /// 1×1s), each followed by a batch norm; 8 residual additions; 17 ReLUs (the stem, the first
  /// convolution of each block, each block's output) — all of them fusable.
  func testResNet18ExportRunsPreparedAsTheCatalogueNetwork() throws {
    let (model, module, onnx) = try exported { ResNet(depth: .resNet18, classCount: 10) }
    let fused = module.fusedConvolutions
    XCTAssertEqual(fused.count, 20)
    XCTAssertEqual(fused.filter(\.foldsBatchNorm).count, 20)
    XCTAssertEqual(fused.filter(\.addsResidual).count, 8)
    XCTAssertEqual(fused.filter { $0.activation == .relu }.count, 17)
    XCTAssertEqual(fused.filter { $0.activation == .none }.count, 3)
    // The same numbers counted from the graph: every Conv, BatchNormalization, Add and Relu
    // node is in exactly one chain.
    XCTAssertEqual(fused.count, count("Conv", in: onnx))
    for opType in ["Conv", "BatchNormalization", "Add", "Relu"] {
      XCTAssertEqual(fused.flatMap(\.opTypes).filter { $0 == opType }.count, count(opType, in: onnx), opType)
    }
    try checkMatchesCatalogue(model, module, chains: 20)
  }

  /// MobileNetV2 has 52 convolutions (the stem; depthwise + projection in the first block;
  /// expansion + depthwise + projection in the other 16; the last 1×1), each with a batch norm;
  /// ReLU6 after all but the 17 projections (35); a residual addition in the 10 blocks whose
  /// stride is 1 and whose channels do not change (stages of 1, 2, 3, 4, 3, 3, 1 blocks: the
  /// 0 + 1 + 2 + 3 + 2 + 2 + 0 repeats after each stage's first). At width 0.5 (channels 16, 8,
  /// 16, 16, 32, 48, 80, 160 after rounding to multiples of 8) no first block gains a residual;
  /// at 0.25 the first block would (8 → 8 channels).
  func testMobileNetV2ExportRunsPreparedAsTheCatalogueNetwork() throws {
    let (model, module, onnx) = try exported { MobileNetV2(classCount: 10, widthMultiplier: 0.5) }
    let fused = module.fusedConvolutions
    XCTAssertEqual(fused.count, 52)
    XCTAssertEqual(fused.filter(\.foldsBatchNorm).count, 52)
    XCTAssertEqual(fused.filter { $0.activation == .relu6 }.count, 35)
    XCTAssertEqual(fused.filter { $0.activation == .none }.count, 17)
    XCTAssertEqual(fused.filter(\.addsResidual).count, 10)
    XCTAssertEqual(fused.filter { $0.addsResidual && $0.activation != .none }.count, 0)
    for opType in ["Conv", "BatchNormalization", "Add", "Clip"] {
      XCTAssertEqual(fused.flatMap(\.opTypes).filter { $0 == opType }.count, count(opType, in: onnx), opType)
    }
    try checkMatchesCatalogue(model, module, chains: 52)
  }

  /// A training step between two inferences changes the output exactly as it does with the
  /// prepared path switched off: the prepared forms notice the new weights.
  func testTrainingStepBetweenInferencesIsSeen() throws {
    let onnx = try exported { ResNet(depth: .resNet18, classCount: 10) }.graph
    var generator = SeededGenerator(seed: 14)
    let x = Tensor.randomNormal([2, 3, 32, 32], using: &generator)
    func trace(prepared: Bool) throws -> (before: Tensor, after: Tensor) {
      let module = try ONNXGraphModule(graph: ONNXGraph(model: onnx))
      return try PreparedInference.with(enabled: prepared) {
        let before = try module.infer(x)
        let optimizer = SGD(parameters: module.parameters, learningRate: 0.1)
        optimizer.zeroGradients()
        crossEntropy(logits: module(Variable(x)), labels: [3, 7]).backward()
        optimizer.step()
        return (before, try module.infer(x))
      }
    }
    let prepared = try trace(prepared: true)
    let plain = try trace(prepared: false)
    XCTAssertLessThanOrEqual(relativeError(prepared.before, plain.before), 1e-5)
    XCTAssertLessThanOrEqual(relativeError(prepared.after, plain.after), 1e-5)
    // The step moved the output far more than the tolerance, so a stale form would be seen.
    XCTAssertGreaterThan(relativeError(plain.after, plain.before), 1e-2)
  }

  /// Hand-made graph: hardswish written as HardSigmoid·Mul and Clip(0, 6) are fused; a Conv
  /// whose result a graph output also reads ends its chain there; a residual that broadcasts
  /// falls back to the nodes, with every value they read (bounds shared with an earlier Clip)
  /// still held. Outputs equal the unprepared run.
  func testChainPatternsAndTheirLimits() throws {
    func value(_ name: String, _ shape: [Int?]) -> ONNXValueInfo {
      ONNXValueInfo(name: name, elementType: .float, shape: shape)
    }
    var generator = SeededGenerator(seed: 15)
    let conv: [String: ONNXAttribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
    let graph = ONNXGraph(
      nodes: [
        // c1 → HardSigmoid(1/6, 1/2) · Mul: hardswish.
        ONNXNode(name: "c1", opType: "Conv", inputs: ["x", "w1", "b1"], outputs: ["a"], attributes: conv, index: 0),
        ONNXNode(name: "gate", opType: "HardSigmoid", inputs: ["a"], outputs: ["g"],
          attributes: ["alpha": .float(1.0 / 6), "beta": .float(0.5)], index: 1),
        ONNXNode(name: "hs", opType: "Mul", inputs: ["g", "a"], outputs: ["h"], index: 2),
        // c2 → BN → Clip(0, 6): relu6 (bounds as constant inputs, opset 13).
        ONNXNode(name: "c2", opType: "Conv", inputs: ["h", "w2"], outputs: ["c"], attributes: conv, index: 3),
        ONNXNode(name: "bn", opType: "BatchNormalization", inputs: ["c", "s", "beta", "mean", "var"],
          outputs: ["n"], attributes: ["epsilon": .float(1e-3)], index: 4),
        ONNXNode(name: "clip", opType: "Clip", inputs: ["n", "lo", "hi"], outputs: ["r"], index: 5),
        // c3's result is a graph output too: its chain is the Conv alone.
        ONNXNode(name: "c3", opType: "Conv", inputs: ["r", "w3"], outputs: ["d"], attributes: conv, index: 6),
        ONNXNode(name: "relu", opType: "Relu", inputs: ["d"], outputs: ["y"], index: 7),
        // A Clip no Conv feeds: a node of its own, the last one before c4's chain to read the
        // bounds.
        ONNXNode(name: "clamp", opType: "Clip", inputs: ["y", "lo", "hi"], outputs: ["y2"], index: 8),
        // c4 + a [1, 4, 1, 1] bias through Add: broadcast, so the prepared call is declined and
        // the chain runs its nodes — its Clip still needs the shared bounds.
        ONNXNode(name: "c4", opType: "Conv", inputs: ["y2", "w4"], outputs: ["e"], attributes: conv, index: 9),
        ONNXNode(name: "add", opType: "Add", inputs: ["e", "shift"], outputs: ["f"], index: 10),
        ONNXNode(name: "clip4", opType: "Clip", inputs: ["f", "lo", "hi"], outputs: ["z"], index: 11),
      ],
      initializers: [
        ("w1", .float(Tensor.randomNormal([4, 2, 3, 3], using: &generator))),
        ("b1", .float(Tensor.randomNormal([4], using: &generator))),
        ("w2", .float(Tensor.randomNormal([4, 4, 3, 3], standardDeviation: 0.3, using: &generator))),
        ("s", .float(Tensor.randomUniform([4], low: 0.5, high: 1.5, using: &generator))),
        ("beta", .float(Tensor.randomNormal([4], using: &generator))),
        ("mean", .float(Tensor.randomNormal([4], using: &generator))),
        ("var", .float(Tensor.randomUniform([4], low: 0.5, high: 1.5, using: &generator))),
        ("lo", .float(Tensor(shape: [], scalars: [0]))), ("hi", .float(Tensor(shape: [], scalars: [6]))),
        ("w3", .float(Tensor.randomNormal([4, 4, 3, 3], standardDeviation: 0.3, using: &generator))),
        ("w4", .float(Tensor.randomNormal([4, 4, 3, 3], standardDeviation: 0.3, using: &generator))),
        ("shift", .float(Tensor.randomNormal([1, 4, 1, 1], using: &generator))),
      ],
      inputs: [value("x", [nil, 2, 6, 6])], outputs: [value("d", [nil, 4, 6, 6]), value("z", [nil, 4, 6, 6])],
      opsetVersion: 13)
    let module = try ONNXGraphModule(graph: graph)
    XCTAssertEqual(module.fusedConvolutions.map(\.opTypes), [
      ["Conv", "HardSigmoid", "Mul"], ["Conv", "BatchNormalization", "Clip"], ["Conv"], ["Conv", "Add", "Clip"],
    ])
    XCTAssertEqual(module.fusedConvolutions.map(\.activation), [.hardswish, .relu6, .none, .relu6])
    let x = Tensor.randomNormal([2, 2, 6, 6], using: &generator)
    let feeds: [String: ONNXValue] = ["x": .float(Variable(x))]
    let prepared = try withoutGradients { try module.run(feeds) }
    XCTAssertEqual(module.preparedChainCount, 3, "the broadcast Add declines the prepared call")
    let plain = try PreparedInference.with(enabled: false) { try withoutGradients { try module.run(feeds) } }
    for (p, q) in zip(prepared, plain) {
      guard case .float(let a) = p, case .float(let b) = q else { return XCTFail("not float") }
      XCTAssertLessThanOrEqual(relativeError(a.value, b.value), 1e-5)
    }
  }

  /// Summaries see every node's shape (the nodes run one by one while observed).
  func testSummaryStillSeesEveryNode() throws {
    let module = try exported { ResNet(depth: .resNet18, classCount: 10) }.module
    let summary = try module.layerSummary()
    XCTAssertEqual(summary.filter { $0.opType == "Conv" }.count, 20)
    XCTAssertTrue(summary.allSatisfy { !$0.outputShape.isEmpty }, "\(summary.filter { $0.outputShape.isEmpty })")
  }
}
