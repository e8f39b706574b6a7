import ConvNetKernels
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The recurrent kernels (`recurrentForward`, `recurrentBackward`) against their reference
/// twins for every cell, both layouts, both directions, with and without biases and lengths,
/// writing one half of a bidirectional output; every output starts as NaN.
final class RecurrentTests: XCTestCase {
  struct Case {
    var cell: RecurrentCell
    var steps = 4, batch = 3, inputSize = 5, hiddenSize = 6
    var batchFirst = false, reverse = false, bias = true
    var lengths: [Int]? = nil
    /// Writes columns H..<2H of a 2H-wide output (the reverse half of a bidirectional layer).
    var secondHalf = false
    var seed: UInt64
  }

  /// The fast kernels with a choice of micro-kernels (AVX2 where the CPU has it, or portable C),
  /// as closures of the reference twins' types.
  static func fastForward(_ microKernel: GemmMicroKernel) -> Forward {
    {
      recurrentForward(
        input: $0, weights: $1, initialHidden: $2, initialCell: $3, output: $4, finalHidden: $5,
        finalCell: $6, saved: $7, layout: $8, microKernel: microKernel)
    }
  }

  static func fastBackward(_ microKernel: GemmMicroKernel) -> Backward {
    {
      recurrentBackward(
        input: $0, weights: $1, saved: $2, gradOutput: $3, gradFinalHidden: $4, gradFinalCell: $5,
        gradInput: $6, accumulateGradInput: $7, gradInitialHidden: $8, gradInitialCell: $9,
        gradWeights: $10, layout: $11, microKernel: microKernel)
    }
  }

  typealias Forward = (
    UnsafePointer<Float>, RecurrentWeights, UnsafePointer<Float>, UnsafePointer<Float>?,
    UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?,
    UnsafeMutablePointer<Float>, RecurrentLayout
  ) -> Void
  typealias Backward = (
    UnsafePointer<Float>, RecurrentWeights, UnsafePointer<Float>, UnsafePointer<Float>?,
    UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Bool,
    UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?, RecurrentWeightGradients,
    RecurrentLayout
  ) -> Void

  static let cases: [Case] = {
    var cases: [Case] = []
    var seed: UInt64 = 1
    for cell in [RecurrentCell.lstm, .gru, .rnnTanh, .rnnReLU] {
      cases.append(Case(cell: cell, seed: seed))
      cases.append(Case(cell: cell, batchFirst: true, reverse: true, secondHalf: true, seed: seed + 1))
      cases.append(Case(cell: cell, bias: false, lengths: [4, 2, 1], seed: seed + 2))
      cases.append(
        Case(cell: cell, steps: 5, batch: 4, batchFirst: true, reverse: true, lengths: [3, 5, 1, 2], seed: seed + 3))
      // One 8-lane vector plus a tail, a batch larger than one parallel chunk.
      cases.append(Case(cell: cell, steps: 3, batch: 40, inputSize: 9, hiddenSize: 17, seed: seed + 4))
      seed += 10
    }
    // Enough work per step for two threads, 130 units (blocks of 16 and 64 with a short last
    // one), batch-first with lengths: the fused LSTM steps' split and strides.
    cases.append(
      Case(
        cell: .lstm, steps: 3, batch: 32, inputSize: 7, hiddenSize: 130, batchFirst: true,
        lengths: (0..<32).map { 1 + $0 % 3 }, seed: seed))
    return cases
  }()

  /// At every SIMD level: AVX-512 runs the fused LSTM steps, the others the GEMM + epilogue.
  func testFastKernelsMatchReferenceTwins() {
    forEachSIMDLevel { level in checkFastKernelsMatchReferenceTwins(level: level) }
  }

  private func checkFastKernelsMatchReferenceTwins(level: SIMDLevel) {
    for c in Self.cases {
      let stride = c.secondHalf ? 2 * c.hiddenSize : c.hiddenSize
      let layout = RecurrentLayout(
        cell: c.cell, steps: c.steps, batch: c.batch, inputSize: c.inputSize, hiddenSize: c.hiddenSize,
        batchFirst: c.batchFirst, reverse: c.reverse, lengths: c.lengths, outputStride: stride,
        outputOffset: c.secondHalf ? c.hiddenSize : 0)
      let width = layout.gateWidth
      let state = c.batch * c.hiddenSize
      let input = random([layout.rows * c.inputSize], seed: c.seed)
      let wih = random([width * c.inputSize], seed: c.seed + 100, scale: 0.6)
      let whh = random([width * c.hiddenSize], seed: c.seed + 200, scale: 0.6)
      let bih = random([width], seed: c.seed + 300)
      let bhh = random([width], seed: c.seed + 400)
      let h0 = random([state], seed: c.seed + 500)
      let c0 = random([state], seed: c.seed + 600)
      let gradOutput = random([layout.rows * stride], seed: c.seed + 700)
      let gradHN = random([state], seed: c.seed + 800)
      let gradCN = random([state], seed: c.seed + 900)
      let tensors = [input, wih, whh, bih, bhh, h0, c0, gradOutput, gradHN, gradCN]
      let p = tensors.map { UnsafePointer($0.storage.pointer) }
      let weights = RecurrentWeights(
        inputWeight: p[1], hiddenWeight: p[2], inputBias: c.bias ? p[3] : nil, hiddenBias: c.bias ? p[4] : nil)
      let lstm = c.cell == .lstm
      // The other half of the output row is someone else's: it must keep its 7s.
      let outputInitial = (0..<(layout.rows * stride)).map { i -> Float in
        let column = i % stride
        return (column >= layout.outputOffset && column < layout.outputOffset + c.hiddenSize) ? .nan : 7
      }
      // What the backward reads: the reference forward's saved values.
      var saved = [Float](repeating: .nan, count: layout.savedCount)
      var scratch = outputInitial
      var final = [Float](repeating: .nan, count: 2 * state)
      final.withUnsafeMutableBufferPointer { final in
        recurrentForwardReference(
          input: p[0], weights: weights, initialHidden: p[5], initialCell: lstm ? p[6] : nil,
          output: &scratch, finalHidden: final.baseAddress!, finalCell: lstm ? final.baseAddress! + state : nil,
          saved: &saved, layout: layout)
      }
      func forward(_ kernel: @escaping Forward) -> ([UnsafeMutablePointer<Float>]) -> Void {
        { out in
          withExtendedLifetime(tensors) {
            kernel(p[0], weights, p[5], lstm ? p[6] : nil, out[0], out[1], lstm ? out[2] : nil, out[3], layout)
          }
        }
      }
      func backward(_ kernel: @escaping Backward, accumulate: Bool = false, stateGradients: Bool = true)
        -> ([UnsafeMutablePointer<Float>]) -> Void
      {
        { out in
          withExtendedLifetime(tensors) {
            saved.withUnsafeBufferPointer { saved in
              kernel(
                p[0], weights, saved.baseAddress!, stateGradients ? p[7] : nil, stateGradients ? p[8] : nil,
                stateGradients && lstm ? p[9] : nil, out[0], accumulate, out[1], lstm ? out[2] : nil,
                RecurrentWeightGradients(
                  inputWeight: out[3], hiddenWeight: out[4], inputBias: c.bias ? out[5] : nil,
                  hiddenBias: c.bias ? out[6] : nil),
                layout)
            }
          }
        }
      }
      let gradientBuffers: [KernelBuffer] = [
        .output("gradInitialHidden", count: state), .output("gradInitialCell", count: lstm ? state : 0),
        .output("gradInputWeight", count: width * c.inputSize),
        .output("gradHiddenWeight", count: width * c.hiddenSize),
        .output("gradInputBias", count: c.bias ? width : 0),
        .output("gradHiddenBias", count: c.bias ? width : 0),
      ]
      let label = "\(level): \(c.cell) T\(c.steps) N\(c.batch) I\(c.inputSize) H\(c.hiddenSize) batchFirst \(c.batchFirst) reverse \(c.reverse) bias \(c.bias) lengths \(c.lengths ?? [])"
      checkOp(
        label,
        kernels: [GemmMicroKernel.fastest, .portable].flatMap { microKernel in
          [
            KernelPass(
              "forward (\(microKernel))",
              buffers: [
                .updated("output", from: outputInitial), .output("finalHidden", count: state),
                .output("finalCell", count: lstm ? state : 0), .output("saved", count: layout.savedCount),
              ],
              fast: forward(Self.fastForward(microKernel)), reference: forward(recurrentForwardReference)),
            KernelPass(
              "backward (\(microKernel))",
              buffers: [.output("gradInput", count: layout.rows * c.inputSize)] + gradientBuffers,
              fast: backward(Self.fastBackward(microKernel)), reference: backward(recurrentBackwardReference)),
            KernelPass(
              "backward (\(microKernel)), gradInput accumulated, no output gradients",
              buffers: [
                .updated("gradInput", from: random([layout.rows * c.inputSize], seed: c.seed + 1000).scalars)
              ] + gradientBuffers,
              fast: backward(Self.fastBackward(microKernel), accumulate: true, stateGradients: false),
              reference: backward(recurrentBackwardReference, accumulate: true, stateGradients: false)),
          ]
        })
    }
  }

  /// One LSTM step worked by hand, H = I = 1: W_hh = 0, W_ih = (0, 0, 1, 0), no biases, so
  /// i = f = o = σ(0) = ½ and g = tanh(x); with x = 1 and c₀ = 2: c₁ = ½·2 + ½·tanh 1,
  /// h₁ = ½·tanh c₁. Both kernels.
  func testLSTMStepByHand() {
    let layout = RecurrentLayout(cell: .lstm, steps: 1, batch: 1, inputSize: 1, hiddenSize: 1)
    let expectedCell = 1 + 0.5 * tanh(Float(1))
    for useReference in [false, true] {
      var saved = [Float](repeating: .nan, count: layout.savedCount)
      var output: [Float] = [.nan]
      var hidden: [Float] = [.nan]
      var cell: [Float] = [.nan]
      let kernel: Forward = useReference ? recurrentForwardReference : Self.fastForward(.fastest)
      let inputWeight: [Float] = [0, 0, 1, 0]
      let hiddenWeight: [Float] = [0, 0, 0, 0]
      inputWeight.withUnsafeBufferPointer { wih in
        hiddenWeight.withUnsafeBufferPointer { whh in
          kernel(
            [1], RecurrentWeights(inputWeight: wih.baseAddress!, hiddenWeight: whh.baseAddress!, inputBias: nil, hiddenBias: nil),
            [0], [2], &output, &hidden, &cell, &saved, layout)
        }
      }
      XCTAssertEqual(cell[0], expectedCell, accuracy: 1e-6, "reference \(useReference)")
      XCTAssertEqual(hidden[0], 0.5 * tanh(expectedCell), accuracy: 1e-6, "reference \(useReference)")
      XCTAssertEqual(output[0], hidden[0], "reference \(useReference)")
    }
  }

  /// A GRU step by hand, H = I = 1, h₀ = 0.5, x = 1, W_ih = (0, 0, 1), W_hh = (0, 0, 2),
  /// b_hh = (0, 0, 1): r = z = ½, W_hn h + b_hn = 2, n = tanh(1 + ½·2) = tanh 2,
  /// h₁ = ½·tanh 2 + ½·0.5 — the reset gate scales (W_hn h + b_hn), as in PyTorch.
  func testGRUStepByHand() {
    let layout = RecurrentLayout(cell: .gru, steps: 1, batch: 1, inputSize: 1, hiddenSize: 1)
    for useReference in [false, true] {
      var saved = [Float](repeating: .nan, count: layout.savedCount)
      var output: [Float] = [.nan]
      var hidden: [Float] = [.nan]
      let kernel: Forward = useReference ? recurrentForwardReference : Self.fastForward(.fastest)
      let inputWeight: [Float] = [0, 0, 1]
      let hiddenWeight: [Float] = [0, 0, 2]
      let hiddenBias: [Float] = [0, 0, 1]
      inputWeight.withUnsafeBufferPointer { wih in
        hiddenWeight.withUnsafeBufferPointer { whh in
          hiddenBias.withUnsafeBufferPointer { bhh in
            kernel(
              [1], RecurrentWeights(
                inputWeight: wih.baseAddress!, hiddenWeight: whh.baseAddress!, inputBias: nil,
                hiddenBias: bhh.baseAddress!),
              [0.5], nil, &output, &hidden, nil, &saved, layout)
          }
        }
      }
      XCTAssertEqual(hidden[0], 0.5 * tanh(Float(2)) + 0.25, accuracy: 1e-6, "reference \(useReference)")
    }
  }
}
