import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `recurrentLayer`: forward against the reference twin (`recurrentForwardReference`, per
/// direction), backward against finite differences on every input — input, weights, biases
/// and initial states — through all three outputs (sequence, final h, final c) at once.
final class RecurrentGradientTests: XCTestCase {
  struct Case {
    var cell: RecurrentCell
    var steps = 3, batch = 2, inputSize = 3, hiddenSize = 2
    var directions = 1
    var batchFirst = false, bias = true
    var lengths: [Int]? = nil
    /// Initial states given as rows `stateIndex…` of a [stateRows, N, H] tensor, or zeros.
    var initialStates = true
    var stateRows = 1, stateIndex = 0
    var seed: UInt64
  }

  static let cases: [Case] = {
    var cases: [Case] = []
    var seed: UInt64 = 50
    for cell in [RecurrentCell.lstm, .gru, .rnnTanh, .rnnReLU] {
      cases.append(Case(cell: cell, seed: seed))
      cases.append(Case(cell: cell, directions: 2, batchFirst: true, stateRows: 3, stateIndex: 1, seed: seed + 1))
      cases.append(Case(cell: cell, steps: 4, directions: 2, bias: false, lengths: [2, 4], initialStates: false, seed: seed + 2))
      cases.append(Case(cell: cell, steps: 4, batch: 3, batchFirst: true, lengths: [4, 1, 3], stateRows: 2, stateIndex: 1, seed: seed + 3))
      seed += 10
    }
    return cases
  }()

  func testRecurrentLayer() {
    for c in Self.cases {
      let width = c.cell.gateCount * c.hiddenSize
      let lstm = c.cell == .lstm
      let inputShape = c.batchFirst ? [c.batch, c.steps, c.inputSize] : [c.steps, c.batch, c.inputSize]
      var inputs = [random(inputShape, seed: c.seed)]
      var s = c.seed
      for _ in 0..<c.directions {
        inputs.append(random([width, c.inputSize], seed: s + 100, scale: 0.7))
        inputs.append(random([width, c.hiddenSize], seed: s + 200, scale: 0.7))
        if c.bias { inputs += [random([width], seed: s + 300), random([width], seed: s + 400)] }
        s += 1000
      }
      let stateShape = [c.stateRows, c.batch, c.hiddenSize]
      if c.initialStates {
        inputs.append(random(stateShape, seed: c.seed + 500))
        if lstm { inputs.append(random(stateShape, seed: c.seed + 600)) }
      }
      let perDirection = c.bias ? 4 : 2

      func op(_ v: [Variable]) -> Variable {
        let directions = (0..<c.directions).map { d in
          let base = 1 + d * perDirection
          return RecurrentDirectionParameters(
            inputWeight: v[base], hiddenWeight: v[base + 1], inputBias: c.bias ? v[base + 2] : nil,
            hiddenBias: c.bias ? v[base + 3] : nil)
        }
        let stateBase = 1 + c.directions * perDirection
        let states = c.initialStates ? (v[stateBase], lstm ? v[stateBase + 1] : nil) : nil
        let result = recurrentLayer(
          v[0], cell: c.cell, directions: directions, initialStates: states, stateIndex: c.stateIndex,
          batchFirst: c.batchFirst, lengths: c.lengths)
        let parts = [result.output, result.hidden] + (result.cell.map { [$0] } ?? [])
        return concatenate(parts.map { $0.reshaped([$0.value.count]) }, axis: 0)
      }

      let reference = OpReference { t in
        let rows = c.steps * c.batch
        let stride = c.directions * c.hiddenSize
        let state = c.batch * c.hiddenSize
        var output = [Float](repeating: .nan, count: rows * stride)
        var hidden = [Float](repeating: .nan, count: c.directions * state)
        var cell = [Float](repeating: .nan, count: c.directions * state)
        let zeros = [Float](repeating: 0, count: c.directions * state)
        for d in 0..<c.directions {
          let layout = RecurrentLayout(
            cell: c.cell, steps: c.steps, batch: c.batch, inputSize: c.inputSize, hiddenSize: c.hiddenSize,
            batchFirst: c.batchFirst, reverse: d == 1, lengths: c.lengths, outputStride: stride,
            outputOffset: d * c.hiddenSize)
          let base = 1 + d * perDirection
          var saved = [Float](repeating: .nan, count: layout.savedCount)
          let stateBase = 1 + c.directions * perDirection
          let h0 = c.initialStates ? t[stateBase].scalars : zeros
          let c0 = c.initialStates && lstm ? t[stateBase + 1].scalars : zeros
          let offset = ((c.initialStates ? c.stateIndex : 0) + d) * state
          let weights = RecurrentWeights(
            inputWeight: t[base].storage.pointer, hiddenWeight: t[base + 1].storage.pointer,
            inputBias: c.bias ? UnsafePointer(t[base + 2].storage.pointer) : nil,
            hiddenBias: c.bias ? UnsafePointer(t[base + 3].storage.pointer) : nil)
          hidden.withUnsafeMutableBufferPointer { hidden in
            cell.withUnsafeMutableBufferPointer { cell in
              recurrentForwardReference(
                input: t[0].storage.pointer, weights: weights, initialHidden: Array(h0[offset...]),
                initialCell: lstm ? Array(c0[offset...]) : nil, output: &output,
                finalHidden: hidden.baseAddress! + d * state,
                finalCell: lstm ? cell.baseAddress! + d * state : nil, saved: &saved, layout: layout)
            }
          }
        }
        let all = output + hidden + (lstm ? cell : [])
        return Tensor(shape: [all.count], scalars: all)
      }
      checkOp(
        "\(c.cell) directions \(c.directions) batchFirst \(c.batchFirst) bias \(c.bias) lengths \(c.lengths ?? []) states \(c.initialStates)",
        inputs: inputs, reference: reference,
        // ReLU: a smaller step, so that no pre-activation crosses its kink.
        gradients: FiniteDifferences(step: c.cell == .rnnReLU ? 1e-3 : 1e-2, tolerance: 1e-3), op)
    }
  }

  /// Only the final hidden state feeds the loss: the node receives no gradient for the output
  /// sequence (nil), which must count as zero — the same gradients as an explicit zero.
  func testUnusedOutputsCountAsZero() {
    let x = random([3, 2, 2], seed: 7)
    let weights = [random([8, 2], seed: 8), random([8, 2], seed: 9)]
    func gradients(useOutput: Bool) -> [Tensor] {
      let v = ([x] + weights).map { Variable($0, requiresGrad: true) }
      let result = recurrentLayer(
        v[0], cell: .lstm,
        directions: [RecurrentDirectionParameters(inputWeight: v[1], hiddenWeight: v[2], inputBias: nil, hiddenBias: nil)])
      let loss = useOutput ? (result.hidden.sum() + result.output.sum() * 0) : result.hidden.sum()
      loss.backward()
      return v.map { $0.grad! }
    }
    for (a, b) in zip(gradients(useOutput: false), gradients(useOutput: true)) {
      assertClose(a, b, absoluteTolerance: 1e-6, relativeTolerance: 1e-6, "unused outputs")
    }
  }
}
