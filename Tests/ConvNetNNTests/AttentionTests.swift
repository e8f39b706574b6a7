import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// `LuongAttention` (dot, general) and `BahdanauAttention` against PyTorch
/// (`AttentionGoldens.swift`, written by `Fixtures/attention/make_attention_goldens.py`: context,
/// weights and the gradients of query, keys and every parameter, under a padding mask), against
/// finite differences, and by hand where masking must be exact.
final class AttentionTests: XCTestCase {
  func makeLayer(_ golden: AttentionGolden) -> (any Module, attend: (Variable, Variable, Tensor?) -> (Variable, Variable)) {
    switch golden.name {
    case "luong dot", "luong general":
      let layer = LuongAttention(hiddenSize: golden.queryDim, score: golden.name == "luong dot" ? .dot : .general)
      return (layer, { layer.attend(query: $0, keys: $1, mask: $2) })
    default:
      let layer = BahdanauAttention(queryDim: golden.queryDim, keyDim: golden.keyDim, hiddenDim: golden.hiddenDim)
      return (layer, { layer.attend(query: $0, keys: $1, mask: $2) })
    }
  }

  func testAgainstPyTorch() throws {
    XCTAssertEqual(attentionGoldens.count, 3)
    for golden in attentionGoldens {
      let (layer, attend) = makeLayer(golden)
      let parameters = layer.namedParameters()
      XCTAssertEqual(Set(parameters.map(\.name)), Set(golden.parameters.keys), golden.name)
      for (name, parameter) in parameters {
        parameter.value = Tensor(shape: parameter.shape, scalars: try XCTUnwrap(golden.parameters[name]))
      }
      let (n, s) = (golden.n, golden.s)
      let query = Variable(Tensor(shape: [n, golden.queryDim], scalars: golden.query), requiresGrad: true)
      let keys = Variable(Tensor(shape: [n, s, golden.keyDim], scalars: golden.keys), requiresGrad: true)
      let (context, weights) = attend(query, keys, Tensor(shape: [n, s], scalars: golden.mask))
      let tolerance: (absolute: Float, relative: Float) = (1e-5, 1e-4)
      assertClose(
        context.value, Tensor(shape: [n, golden.keyDim], scalars: golden.context),
        absoluteTolerance: tolerance.absolute, relativeTolerance: tolerance.relative, "\(golden.name): context")
      assertClose(
        weights.value, Tensor(shape: [n, s], scalars: golden.weights),
        absoluteTolerance: tolerance.absolute, relativeTolerance: tolerance.relative, "\(golden.name): weights")
      let loss =
        (context * Variable(Tensor(shape: context.shape, scalars: golden.contextProjection))).sum()
        + (weights * Variable(Tensor(shape: weights.shape, scalars: golden.weightProjection))).sum()
      loss.backward()
      let gradients = [("query", query.grad, golden.queryGradient), ("keys", keys.grad, golden.keysGradient)]
        + parameters.map { ($0.name, $0.parameter.grad, golden.parameterGradients[$0.name] ?? []) }
      for (name, gradient, expected) in gradients {
        let actual = try XCTUnwrap(gradient, "\(golden.name): no gradient for \(name)")
        assertClose(
          actual, Tensor(shape: actual.shape, scalars: expected), absoluteTolerance: tolerance.absolute,
          relativeTolerance: tolerance.relative, "\(golden.name): gradient of \(name)")
      }
    }
  }

  /// Backward against finite differences for the query, the keys and the parameters at once
  /// (output: context and weights side by side), with and without a mask.
  func testFiniteDifferences() {
    let mask = Tensor(shape: [2, 4], scalars: [1, 1, 0, 1, 0, 1, 1, 0])
    for masked in [false, true] {
      let m: Tensor? = masked ? mask : nil
      let luong = RandomSource.withSeed(1) { LuongAttention(hiddenSize: 3, score: .general) }
      checkOp(
        "Luong general, masked \(masked)",
        inputs: [random([2, 3], seed: 2), random([2, 4, 3], seed: 3), luong.weight!.value],
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { inputs in
        luong.weight = inputs[2]
        let (context, weights) = luong.attend(query: inputs[0], keys: inputs[1], mask: m)
        return concatenate([context, weights], axis: 1)
      }
      let bahdanau = RandomSource.withSeed(4) { BahdanauAttention(queryDim: 2, keyDim: 3, hiddenDim: 5) }
      let linears = [bahdanau.queryProjection, bahdanau.keyProjection, bahdanau.energy]
      checkOp(
        "Bahdanau, masked \(masked)",
        inputs: [random([2, 2], seed: 5), random([2, 4, 3], seed: 6)] + linears.flatMap { [$0.weight.value, $0.bias!.value] },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { inputs in
        for (i, linear) in linears.enumerated() {
          linear.weight = inputs[2 + 2 * i]
          linear.bias = inputs[3 + 2 * i]
        }
        let (context, weights) = bahdanau.attend(query: inputs[0], keys: inputs[1], mask: m)
        return concatenate([context, weights], axis: 1)
      }
    }
  }

  /// Masked positions get weight exactly 0 and no gradient; an all-padding row gets zeros.
  func testMaskIsExact() {
    let layer = LuongAttention(hiddenSize: 2, score: .dot)
    let keys = Variable(Tensor(shape: [2, 3, 2], scalars: [1, 0, 0, 1, 50, 50, 1, 2, 3, 4, 5, 6]), requiresGrad: true)
    let query = Variable(Tensor(shape: [2, 2], scalars: [1, 1, 1, 0]), requiresGrad: true)
    let (context, weights) = layer.attend(
      query: query, keys: keys, mask: Tensor(shape: [2, 3], scalars: [1, 1, 0, 0, 0, 0]))
    // Row 0: scores 1, 1 (and 100, masked) → weights ½, ½, 0; context (½, ½). Row 1: all padding.
    XCTAssertEqual(weights.value.scalars, [0.5, 0.5, 0, 0, 0, 0])
    XCTAssertEqual(context.value.scalars, [0.5, 0.5, 0, 0])
    context.sum().backward()
    XCTAssertEqual(Array(keys.grad!.scalars[4..<12]), [0, 0, 0, 0, 0, 0, 0, 0])
    XCTAssertFalse(query.grad!.scalars.contains { $0.isNaN })
  }

  func testProjectedKeysAndPresentation() {
    let layer = RandomSource.withSeed(8) { BahdanauAttention(queryDim: 2, keyDim: 3, hiddenDim: 4) }
    let (query, keys) = (Variable(random([2, 2], seed: 9)), Variable(random([2, 5, 3], seed: 10)))
    let direct = layer.attend(query: query, keys: keys)
    let reused = layer.attend(query: query, keys: keys, projectedKeys: layer.projectKeys(keys))
    XCTAssertEqual(direct.context.value, reused.context.value)
    XCTAssertEqual(
      layer.namedParameters().map(\.name), ["Wa.weight", "Wa.bias", "Ua.weight", "Ua.bias", "Va.weight", "Va.bias"])
    XCTAssertEqual(layer.parameterFormula, "(2+1)·4 + (3+1)·4 + (4+1)·1 = 33")
    XCTAssertEqual(layer.parameterCount, 33)
    let luong = LuongAttention(hiddenSize: 6)
    XCTAssertEqual(luong.layerDescription, "LuongAttention(6, score general)")
    XCTAssertEqual(luong.parameterFormula, "6·6 = 36")
    XCTAssertNil(LuongAttention(hiddenSize: 6, score: .dot).parameterFormula)
  }
}
