import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

final class LeNet1998Tests: XCTestCase {
  /// The paper's layer sizes: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164 and an
  /// 84 → 10 output 850; 60,850 in all.
  func testParameterCountsPerLayer() throws {
    let architecture = try Architectures.named("lenet5-1998")
    let model = try XCTUnwrap(architecture.build(inputChannels: 1, classCount: 10) as? LeNet1998)
    assertClassifierPrefix(architecture, model, classCount: 10)
    let layers: [(any Module, Int)] = [
      (model.c1, 156), (model.s2, 12), (model.c3, 1_516), (model.s4, 32), (model.c5, 48_120),
      (model.f6, 10_164), (model.output, 850),
    ]
    for (layer, count) in layers {
      XCTAssertEqual(layer.parameterCount, count, layer.layerDescription)
    }
    XCTAssertEqual(model.parameterCount, 60_850)
    XCTAssertEqual(model.c3.parameterFormula, "6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1516")
    XCTAssertEqual(model.s2.parameterFormula, "(1+1)·6 = 12")
  }

  func testKeys() {
    let model = LeNet1998()
    let keys = model.stateDict().map(\.name)
    XCTAssertEqual(
      Array(keys.prefix(6)),
      ["c1.weight", "c1.bias", "s2.weight", "s2.bias", "c3.maps.0.weight", "c3.maps.0.bias"])
    XCTAssertEqual(keys.count, 4 + 2 * 16 + 2 + 2 + 2 + 2)
    XCTAssertEqual(keys.last, "output.bias")
    let shapes = Dictionary(
      uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value.shape) })
    XCTAssertEqual(shapes["c3.maps.4.weight"], [1, 3, 5, 5])
    XCTAssertEqual(shapes["c3.maps.11.weight"], [1, 4, 5, 5])
    XCTAssertEqual(shapes["c3.maps.15.weight"], [1, 6, 5, 5])
    XCTAssertEqual(shapes["s4.weight"], [16])
    XCTAssertEqual(shapes["c5.weight"], [120, 16, 5, 5])
  }

  /// Table I of the paper, transcribed by rows (S2 map → the C3 maps marked X in that row):
  /// perturbing S2 map j must change exactly those C3 maps and no others.
  func testC3ConnectionTable() {
    let rows: [Set<Int>] = [
      [0, 4, 5, 6, 9, 10, 11, 12, 14, 15],
      [0, 1, 5, 6, 7, 10, 11, 12, 13, 15],
      [0, 1, 2, 6, 7, 8, 11, 13, 14, 15],
      [1, 2, 3, 6, 7, 8, 9, 12, 14, 15],
      [2, 3, 4, 7, 8, 9, 10, 12, 13, 15],
      [3, 4, 5, 8, 9, 10, 11, 13, 14, 15],
    ]
    let c3 = RandomSource.withSeed(1) {
      ConnectionTableConv2d(6, table: LeNet1998.c3ConnectionTable, kernelSize: 5)
    }
    var generator = SeededGenerator(seed: 2)
    let input = Tensor.randomUniform([1, 6, 14, 14], low: -1, high: 1, using: &generator)
    let baseline = withoutGradients { c3(Variable(input)) }.value
    XCTAssertEqual(baseline.shape, [1, 16, 10, 10])
    for (j, expected) in rows.enumerated() {
      var perturbed = input
      perturbed.withUnsafeMutableBufferPointer { buffer in
        for i in (j * 196)..<((j + 1) * 196) { buffer[i] += 0.5 }
      }
      let output = withoutGradients { c3(Variable(perturbed)) }.value
      var changed = Set<Int>()
      for map in 0..<16 {
        let difference = (0..<100).map {
          abs(output[0, map, $0 / 10, $0 % 10] - baseline[0, map, $0 / 10, $0 % 10])
        }
        if difference.max()! > 1e-6 { changed.insert(map) }
      }
      XCTAssertEqual(changed, expected, "S2 map \(j)")
    }
    // Six maps see 3 inputs, nine see 4, one sees all 6.
    XCTAssertEqual(
      LeNet1998.c3ConnectionTable.map(\.count),
      Array(repeating: 3, count: 6) + Array(repeating: 4, count: 9) + [6])
  }

  /// S2/S4 by hand: each output is coefficient · (sum of its 2×2 window) + bias, per map.
  func testSubsamplingByHand() {
    let layer = Subsampling2d(2)
    layer.weight.value = Tensor(shape: [2], scalars: [0.5, -2])
    layer.bias.value = Tensor(shape: [2], scalars: [1, 0.25])
    let input = Tensor(shape: [1, 2, 2, 4], scalars: (1...16).map(Float.init))
    let output = layer(Variable(input)).value
    // Map 0 windows: 1+2+5+6 = 14, 3+4+7+8 = 22; map 1: 9+10+13+14 = 46, 11+12+15+16 = 54.
    XCTAssertEqual(output.shape, [1, 2, 1, 2])
    assertClose(output.scalars, [0.5 * 14 + 1, 0.5 * 22 + 1, -2 * 46 + 0.25, -2 * 54 + 0.25])
  }

  /// The squashing function: f(0) = 0, odd, and f(±1) = ±1 (A = 1.7159 was chosen for that:
  /// 1.7159 · tanh(2/3) = 1.00000); the asymptote is A.
  func testScaledTanhByHand() {
    let squash = ScaledTanh()
    let output = squash(Variable(Tensor(shape: [4], scalars: [0, 1, -1, 20]))).value
    assertClose(output.scalars, [0, 1, -1, 1.7159], absoluteTolerance: 1e-5)
  }

  /// Backpropagation through the whole network (subsampling, the connection table, the
  /// squashing): SGD memorises 16 random 32×32 images with random labels.
  func testTrainingReducesLoss() {
    let model = RandomSource.withSeed(11) { LeNet1998() }
    var generator = SeededGenerator(seed: 12)
    let images = Variable(
      Tensor.randomUniform([16, 1, 32, 32], low: -1, high: 1, using: &generator))
    let labels = (0..<16).map { $0 % 10 }
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
    var losses: [Float] = []
    for _ in 0..<40 {
      optimizer.zeroGradients()
      let loss = crossEntropy(logits: model(images), labels: labels)
      loss.backward()
      optimizer.step()
      losses.append(loss.value.scalar)
    }
    XCTAssertLessThan(losses.last!, 0.5 * losses.first!, "losses \(losses)")
  }

  func testForwardShapeOn32By32() {
    let model = LeNet1998()
    let output = withoutGradients { model(Variable(Tensor.zeros([3, 1, 32, 32]))) }
    XCTAssertEqual(output.shape, [3, 10])
  }
}
