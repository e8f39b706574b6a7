import ConvNetAutograd
import ConvNetKernels
import ConvNetModels
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import Foundation
import XCTest

/// Imported graphs run MobileNetV2's inverted residual blocks (expansion → depthwise →
/// projection [+ input]) through the catalogue's fused kernel (`ONNXInvertedResidual`): an
/// export of the catalogue network gives its outputs with prepared inference on and off and has
/// the blocks counted by hand; a hand-built block is fused and the same block with its pattern
/// broken is not, both computing what the nodes compute; and two threads making the first call
/// of a fresh import at once get the right answer.
final class ONNXInvertedResidualImportTests: XCTestCase {
  /// max |a − b| / max |b|.
  func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    XCTAssertEqual(a.shape, b.shape)
    let scale = b.scalars.map(abs).max() ?? 0
    let difference = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    return difference / max(scale, .leastNormalMagnitude)
  }

  /// A batch no smaller than the thread count: the fused kernel declines a small image at a
  /// batch smaller than the thread count (`bandsPerImage`), and these tests want it to run.
  var batch: Int { max(2, Parallelism.threadCount) }

  /// MobileNetV2 (width 0.5, 10 classes, seeded, batch-norm statistics perturbed) and the import
  /// of its export for 3×32×32 images.
  func mobileNetV2() throws -> (model: any Module, onnx: Onnx_ModelProto) {
    let model = RandomSource.withSeed(21) { MobileNetV2(classCount: 10, widthMultiplier: 0.5) }
    ONNXExportRoundTripTests.perturbBatchNorms(of: model, seed: 22)
    model.eval()
    return (model, try ONNXExport.export(model, inputShape: [3, 32, 32]))
  }

  /// MobileNetV2 has 17 inverted residual blocks (stages of 1, 2, 3, 4, 3, 3, 1 repeats); all but
  /// the first (expansion factor 1) have an expansion; 10 add their input (the repeats after
  /// each stage's first: 0 + 1 + 2 + 3 + 2 + 2 + 0 — see ONNXPreparedImportTests). Every block
  /// runs fused on a batch as large as the thread count, and the outputs are the catalogue
  /// network's with prepared inference on (its blocks fused too) and off (layer by layer).
  func testMobileNetV2ExportRunsItsBlocksFused() throws {
    let (model, onnx) = try mobileNetV2()
    let module = try ONNXGraphModule(graph: ONNXGraph(model: onnx))
    let blocks = module.fusedInvertedResiduals
    XCTAssertEqual(blocks.count, 17)
    XCTAssertEqual(blocks.filter { $0.expansion != nil }.count, 16)
    XCTAssertEqual(blocks.first?.expansion, nil)
    XCTAssertEqual(blocks.filter(\.addsInput).count, 10)
    // 16 · 3 + 2 = 50 of the 52 fused convolutions are in blocks: all but the stem and the last 1×1.
    let inBlocks = Set(blocks.flatMap { [$0.expansion, $0.depthwise, $0.projection].compactMap { $0 } })
    XCTAssertEqual(inBlocks.count, 50)
    let outside = module.fusedConvolutions.map(\.convolution).filter { !inBlocks.contains($0) }
    XCTAssertEqual(outside.count, 2)

    var generator = SeededGenerator(seed: 23)
    let x = Tensor.randomNormal([batch, 3, 32, 32], using: &generator)
    for enabled in [true, false] {
      let runs = module.fusedInvertedResidualRunCount
      try PreparedInference.with(enabled: enabled) {
        let expected = withoutGradients { model(Variable(x)) }.value
        let imported = try module.infer(x)
        XCTAssertLessThanOrEqual(relativeError(imported, expected), 1e-5, "prepared \(enabled)")
      }
      XCTAssertEqual(module.fusedInvertedResidualRunCount - runs, enabled ? 17 : 0, "prepared \(enabled)")
    }
  }

  /// How a hand-built block is (or is not) broken.
  enum Variant: CaseIterable {
    /// Conv 1×1 → Clip(0, 6) → depthwise Conv 3×3 → BatchNormalization → Clip(0, 6) → Conv 1×1 →
    /// Add(input): one block.
    case intact
    /// The depthwise's Clip output is also read by a Relu that is a graph output: no block.
    case depthwiseReadTwice
    /// The Add takes Relu(input), not the block's input: no block (the projection still fuses
    /// its Add).
    case residualNotTheInput
    /// The projection ends in a Relu: not MobileNetV2's linear bottleneck, no block.
    case projectionActivated
  }

  func handBuiltGraph(_ variant: Variant, generator: inout SeededGenerator) -> ONNXGraph {
    func value(_ name: String, _ shape: [Int?]) -> ONNXValueInfo {
      ONNXValueInfo(name: name, elementType: .float, shape: shape)
    }
    let pointwise: [String: ONNXAttribute] = ["kernel_shape": .ints([1, 1])]
    let depthwise: [String: ONNXAttribute] = [
      "kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "group": .int(12),
    ]
    var nodes = [
      ONNXNode(name: "expand", opType: "Conv", inputs: ["x", "we", "be"], outputs: ["e"], attributes: pointwise, index: 0),
      ONNXNode(name: "clip1", opType: "Clip", inputs: ["e", "lo", "hi"], outputs: ["e6"], index: 1),
      ONNXNode(name: "dw", opType: "Conv", inputs: ["e6", "wd"], outputs: ["d"], attributes: depthwise, index: 2),
      ONNXNode(name: "bn", opType: "BatchNormalization", inputs: ["d", "s", "beta", "mean", "var"],
        outputs: ["n"], attributes: ["epsilon": .float(1e-3)], index: 3),
      ONNXNode(name: "clip2", opType: "Clip", inputs: ["n", "lo", "hi"], outputs: ["d6"], index: 4),
      ONNXNode(name: "project", opType: "Conv", inputs: ["d6", "wp", "bp"], outputs: ["p"], attributes: pointwise, index: 5),
    ]
    var outputs = [value("y", [nil, 4, 8, 8])]
    switch variant {
    case .intact:
      nodes.append(ONNXNode(name: "add", opType: "Add", inputs: ["x", "p"], outputs: ["y"], index: 6))
    case .depthwiseReadTwice:
      nodes.append(ONNXNode(name: "add", opType: "Add", inputs: ["x", "p"], outputs: ["y"], index: 6))
      nodes.append(ONNXNode(name: "side", opType: "Relu", inputs: ["d6"], outputs: ["z"], index: 7))
      outputs.append(value("z", [nil, 12, 8, 8]))
    case .residualNotTheInput:
      nodes.insert(ONNXNode(name: "rx", opType: "Relu", inputs: ["x"], outputs: ["r"], index: 0), at: 0)
      nodes.append(ONNXNode(name: "add", opType: "Add", inputs: ["p", "r"], outputs: ["y"], index: 7))
    case .projectionActivated:
      nodes.append(ONNXNode(name: "add", opType: "Add", inputs: ["x", "p"], outputs: ["q"], index: 6))
      nodes.append(ONNXNode(name: "relu", opType: "Relu", inputs: ["q"], outputs: ["y"], index: 7))
    }
    for index in nodes.indices { nodes[index].index = index }
    return ONNXGraph(
      nodes: nodes,
      initializers: [
        ("we", .float(Tensor.randomNormal([12, 4, 1, 1], standardDeviation: 0.5, using: &generator))),
        ("be", .float(Tensor.randomNormal([12], using: &generator))),
        ("lo", .float(Tensor(shape: [], scalars: [0]))), ("hi", .float(Tensor(shape: [], scalars: [6]))),
        ("wd", .float(Tensor.randomNormal([12, 1, 3, 3], standardDeviation: 0.5, using: &generator))),
        ("s", .float(Tensor.randomUniform([12], low: 0.5, high: 1.5, using: &generator))),
        ("beta", .float(Tensor.randomNormal([12], using: &generator))),
        ("mean", .float(Tensor.randomNormal([12], using: &generator))),
        ("var", .float(Tensor.randomUniform([12], low: 0.5, high: 1.5, using: &generator))),
        ("wp", .float(Tensor.randomNormal([4, 12, 1, 1], standardDeviation: 0.3, using: &generator))),
        ("bp", .float(Tensor.randomNormal([4], using: &generator))),
      ],
      inputs: [value("x", [nil, 4, 8, 8])], outputs: outputs, opsetVersion: 13)
  }

  /// The intact block is one fused block and runs through the kernel; each broken pattern is
  /// not, and runs its chains. Every variant's outputs equal the nodes' own (prepared inference
  /// off), so a fusion that ignored the second reader, the residual's source or the activation
  /// would be seen.
  func testHandBuiltBlockFusesOnlyWhenThePatternHolds() throws {
    var generator = SeededGenerator(seed: 24)
    for variant in Variant.allCases {
      do {
        try checkHandBuilt(variant, generator: &generator)
      } catch {
        XCTFail("\(variant): \(error)")
      }
    }
  }

  /// One variant of `testHandBuiltBlockFusesOnlyWhenThePatternHolds`.
  func checkHandBuilt(_ variant: Variant, generator: inout SeededGenerator) throws {
    let module = try ONNXGraphModule(graph: handBuiltGraph(variant, generator: &generator))
    let blocks = module.fusedInvertedResiduals
    switch variant {
    case .intact:
      XCTAssertEqual(blocks.count, 1)
      XCTAssertEqual(blocks.first?.expansion, "node 0 (Conv \"expand\")")
      XCTAssertEqual(blocks.first?.depthwise, "node 2 (Conv \"dw\")")
      XCTAssertEqual(blocks.first?.projection, "node 5 (Conv \"project\")")
      XCTAssertEqual(blocks.first?.addsInput, true)
    case .depthwiseReadTwice, .projectionActivated:
      XCTAssertEqual(blocks, [], "\(variant)")
      XCTAssertEqual(module.fusedConvolutions.map(\.opTypes).count, 3, "\(variant)")
    case .residualNotTheInput:
      XCTAssertEqual(blocks, [], "\(variant)")
      XCTAssertEqual(module.fusedConvolutions.map(\.opTypes).last, ["Conv", "Add"])
    }
    let x = Tensor.randomNormal([batch, 4, 8, 8], using: &generator)
    let feeds: [String: ONNXValue] = ["x": .float(Variable(x))]
    let prepared = try withoutGradients { try module.run(feeds) }
    XCTAssertEqual(module.fusedInvertedResidualRunCount, variant == .intact ? 1 : 0, "\(variant)")
    XCTAssertEqual(module.preparedChainCount, 3, "\(variant)")
    let plain = try PreparedInference.with(enabled: false) { try withoutGradients { try module.run(feeds) } }
    XCTAssertEqual(prepared.count, plain.count)
    for (p, q) in zip(prepared, plain) {
      guard case .float(let a) = p, case .float(let b) = q else { return XCTFail("not float") }
      XCTAssertLessThanOrEqual(relativeError(a.value, b.value), 1e-5, "\(variant)")
    }
  }

  /// An input the fused kernel does not take — 5 channels where the block's weights expect 4
  /// (the graph declares no channel count, so the input reaches the block) — is handed to the
  /// member chains, which report it as the unfused run does: the same error, and no fused run.
  /// (A well-formed input is always taken: small images at small batches run by channel slices.)
  func testBlockDeclinedAtRunTimeRunsItsChains() throws {
    var generator = SeededGenerator(seed: 25)
    var graph = handBuiltGraph(.intact, generator: &generator)
    graph.inputs = [ONNXValueInfo(name: "x", elementType: .float, shape: [nil, nil, nil, nil])]
    graph.outputs = [ONNXValueInfo(name: "y", elementType: .float, shape: [nil, 4, nil, nil])]
    let module = try ONNXGraphModule(graph: graph)
    XCTAssertEqual(module.fusedInvertedResiduals.count, 1)
    let x = Tensor.randomNormal([1, 5, 8, 8], using: &generator)
    func message(_ body: () throws -> Tensor) -> String? {
      do {
        _ = try body()
        return nil
      } catch {
        return "\(error)"
      }
    }
    let prepared = message { try module.infer(x) }
    XCTAssertEqual(module.fusedInvertedResidualRunCount, 0)
    let plain = message { try PreparedInference.with(enabled: false) { try module.infer(x) } }
    XCTAssertNotNil(prepared, "a 5-channel input ran")
    XCTAssertEqual(prepared, plain)
    // A 4-channel input of the same size runs fused.
    _ = try module.infer(Tensor.randomNormal([1, 4, 8, 8], using: &generator))
    XCTAssertEqual(module.fusedInvertedResidualRunCount, 1)
  }

  /// Two threads making the first (preparing) call of a fresh import at once both get the
  /// answer of the nodes run one by one: the chains' layers are pointed at the graph's tensors
  /// at load time and under a lock, and their prepared forms are made under the inference
  /// cache's lock. Repeated on fresh imports, since a race shows only sometimes.
  func testFirstPreparedCallFromTwoThreadsAtOnce() throws {
    let (_, onnx) = try mobileNetV2()
    var generator = SeededGenerator(seed: 26)
    let x = Tensor.randomNormal([batch, 3, 32, 32], using: &generator)
    let expected = try PreparedInference.with(enabled: false) {
      try ONNXGraphModule(graph: ONNXGraph(model: onnx)).infer(x)
    }
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var tensors: [Tensor] = []
      var errors: [Error] = []
      func add(_ tensor: Tensor?, _ error: Error?) {
        lock.lock()
        defer { lock.unlock() }
        if let tensor { tensors.append(tensor) }
        if let error { errors.append(error) }
      }
    }
    for _ in 0..<6 {
      let module = try ONNXGraphModule(graph: ONNXGraph(model: onnx))
      let results = Results()
      let box = UncheckedBox(module)
      DispatchQueue.concurrentPerform(iterations: 2) { _ in
        do {
          let y = try box.module.infer(x)
          results.add(y, nil)
        } catch {
          results.add(nil, error)
        }
      }
      XCTAssertTrue(results.errors.isEmpty, "\(results.errors)")
      XCTAssertEqual(results.tensors.count, 2)
      for y in results.tensors { XCTAssertLessThanOrEqual(relativeError(y, expected), 1e-5) }
    }
  }
}

/// Hands a module to `concurrentPerform`'s closure (the test is what shares it between threads).
private final class UncheckedBox: @unchecked Sendable {
  let module: ONNXGraphModule
  init(_ module: ONNXGraphModule) { self.module = module }
}
