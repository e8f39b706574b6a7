import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// The LSTM / GRU / RNN layers: PyTorch's parameter names, shapes and initial bounds, input
/// validation (thrown, one line), padded sequences against the same sequences run alone,
/// batch-first against time-major, and dropout between layers (training only).
final class RecurrentLayerTests: XCTestCase {
  func testParameterNamesShapesAndInitialBounds() {
    let lstm = RandomSource.withSeed(3) {
      LSTM(inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true)
    }
    let expected: [(String, [Int])] = [
      ("weight_ih_l0", [16, 5]), ("weight_hh_l0", [16, 4]), ("bias_ih_l0", [16]), ("bias_hh_l0", [16]),
      ("weight_ih_l0_reverse", [16, 5]), ("weight_hh_l0_reverse", [16, 4]),
      ("bias_ih_l0_reverse", [16]), ("bias_hh_l0_reverse", [16]),
      ("weight_ih_l1", [16, 8]), ("weight_hh_l1", [16, 4]), ("bias_ih_l1", [16]), ("bias_hh_l1", [16]),
      ("weight_ih_l1_reverse", [16, 8]), ("weight_hh_l1_reverse", [16, 4]),
      ("bias_ih_l1_reverse", [16]), ("bias_hh_l1_reverse", [16]),
    ]
    let actual = lstm.namedParameters()
    XCTAssertEqual(actual.map(\.name), expected.map(\.0))
    XCTAssertEqual(actual.map(\.parameter.shape), expected.map(\.1))
    // PyTorch: 2 directions × (4H·(5+4) + 8H) + 2 × (4H·(8+4) + 8H) with H = 4.
    XCTAssertEqual(lstm.parameterCount, 2 * (16 * 9 + 32) + 2 * (16 * 12 + 32))
    for (name, parameter) in actual {
      XCTAssert(parameter.value.scalars.allSatisfy { abs($0) <= 0.5 }, "\(name) outside ±1/√4")
    }
    XCTAssertEqual(GRU(inputSize: 3, hiddenSize: 2, bias: false).namedParameters().map(\.name), ["weight_ih_l0", "weight_hh_l0"])
    XCTAssertEqual(GRU(inputSize: 3, hiddenSize: 2).parameters(layer: 0).inputWeight.shape, [6, 3])
    XCTAssertEqual(RNN(inputSize: 3, hiddenSize: 2).parameters(layer: 0).hiddenWeight.shape, [2, 2])
    XCTAssertEqual(
      RNN(inputSize: 3, hiddenSize: 2, batchFirst: true, nonlinearity: .relu).layerDescription,
      "RNN(3, 2, batch_first=True, nonlinearity='relu')")
    XCTAssertEqual(
      LSTM(inputSize: 3, hiddenSize: 2, numLayers: 2, dropout: 0.5, bidirectional: true).layerDescription,
      "LSTM(3, 2, num_layers=2, dropout=0.5, bidirectional=True)")
    // Same seed, same weights.
    let again = RandomSource.withSeed(3) { LSTM(inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true) }
    XCTAssertEqual(again.parameters.map(\.value), lstm.parameters.map(\.value))
  }

  func testValidationThrowsOneLine() {
    let lstm = LSTM(inputSize: 4, hiddenSize: 3, numLayers: 2)
    let gru = GRU(inputSize: 4, hiddenSize: 3, batchFirst: true)
    let state = RecurrentState(hidden: Variable(Tensor.zeros([2, 2, 3])), cell: Variable(Tensor.zeros([2, 2, 3])))
    let cases: [(() throws -> Void, String)] = [
      ({ try lstm.validateInput(shape: [5, 4]) }, "LSTM input: expected [T, N, 4], got [5, 4]"),
      ({ try lstm.validateInput(shape: [5, 2, 3]) }, "LSTM input: expected [T, N, 4], got [5, 2, 3]"),
      ({ try gru.validateInput(shape: [2, 5, 3]) }, "GRU input: expected [N, T, 4] (batch first), got [2, 5, 3]"),
      ({ try lstm.validateInput(shape: [5, 2, 4], lengths: [5]) },
       "LSTM lengths: expected 2 values (one per sequence), got 1"),
      ({ try lstm.validateInput(shape: [5, 2, 4], lengths: [5, 6]) },
       "LSTM lengths: expected values in 1…5 (the time steps), got 6"),
      ({ try lstm.validateInput(shape: [5, 2, 4], lengths: [0, 5]) },
       "LSTM lengths: expected values in 1…5 (the time steps), got 0"),
      ({ try lstm.validateInput(shape: [5, 3, 4], initialState: state) },
       "LSTM initial hidden state: expected [2, 3, 3], got [2, 2, 3]"),
      ({ try lstm.validateInput(shape: [5, 2, 4], initialState: RecurrentState(hidden: state.hidden)) },
       "LSTM initial state: the cell state is missing (expected [2, 2, 3])"),
      ({ try gru.validateInput(shape: [2, 5, 4], initialState: RecurrentState(hidden: Variable(Tensor.zeros([1, 2, 3])), cell: state.hidden)) },
       "GRU initial state: has a cell state, which only LSTM takes"),
    ]
    for (call, message) in cases {
      XCTAssertThrowsError(try call()) { error in
        XCTAssertEqual("\(error)", message)
      }
    }
    XCTAssertNoThrow(try lstm.validateInput(shape: [5, 2, 4], initialState: state, lengths: [5, 1]))
  }

  /// A padded batch with lengths gives, for each sequence, what that sequence gives alone
  /// (outputs, zeros past its length, final state of both directions and layers).
  func testLengthsEqualSequencesRunAlone() {
    for (index, make) in Self.makers.enumerated() {
      let layer = RandomSource.withSeed(UInt64(index + 1)) { make(true) }.run
      let name = "maker \(index)"
      let x = random([3, 5, 4], seed: 31)  // batch first: N = 3, T = 5
      let lengths = [3, 5, 1]
      let batch = layer(Variable(x), nil, lengths)
      let h = 3
      for (n, length) in lengths.enumerated() {
        let alone = layer(Variable(slice(x, sequence: n, steps: length)), nil, nil)
        let output = batch.output.value
        for t in 0..<5 {
          for k in 0..<(2 * h) {
            let value = output.scalars[(n * 5 + t) * 2 * h + k]
            let expected = t < length ? alone.output.value.scalars[t * 2 * h + k] : 0
            XCTAssertEqual(value, expected, accuracy: 1e-5, "\(name) n \(n) t \(t) k \(k)")
          }
        }
        for (whole, single) in [(batch.state.hidden, alone.state.hidden), (batch.state.cell, alone.state.cell)] {
          guard let whole, let single else { continue }
          for row in 0..<4 {  // 2 layers × 2 directions
            for k in 0..<h {
              XCTAssertEqual(
                whole.value.scalars[(row * 3 + n) * h + k], single.value.scalars[row * h + k], accuracy: 1e-5,
                "\(name) final state row \(row) n \(n)")
            }
          }
        }
      }
    }
  }

  /// The same weights read [N, T, I] (batch first) and [T, N, I] to the same numbers.
  func testBatchFirstMatchesTimeMajor() {
    for (index, make) in Self.makers.enumerated() {
      let batchFirst = RandomSource.withSeed(UInt64(index + 9)) { make(true) }.run
      let timeMajor = RandomSource.withSeed(UInt64(index + 9)) { make(false) }.run
      let x = random([2, 4, 4], seed: 5)
      let a = batchFirst(Variable(x), nil, nil)
      let b = timeMajor(Variable(swapFirstAxes(x)), nil, nil)
      assertClose(a.output.value, swapFirstAxes(b.output.value), absoluteTolerance: 1e-6, "output")
      assertClose(a.state.hidden.value, b.state.hidden.value, absoluteTolerance: 1e-6, "hidden")
    }
  }

  /// Dropout acts between layers in training mode only: evaluation equals the same weights
  /// without dropout; training differs from it; a one-layer stack has nowhere to drop.
  func testDropoutBetweenLayersInTrainingOnly() {
    let x = Variable(random([4, 2, 3], seed: 8))
    let dropped = RandomSource.withSeed(4) { GRU(inputSize: 3, hiddenSize: 5, numLayers: 2, dropout: 0.5) }
    let plain = RandomSource.withSeed(4) { GRU(inputSize: 3, hiddenSize: 5, numLayers: 2) }
    let reference = plain(x).value
    dropped.eval()
    XCTAssertEqual(dropped(x).value, reference)
    dropped.train()
    XCTAssertNotEqual(dropped(x).value, reference)
    let single = RandomSource.withSeed(4) { GRU(inputSize: 3, hiddenSize: 5, dropout: 0.5) }
    let singlePlain = RandomSource.withSeed(4) { GRU(inputSize: 3, hiddenSize: 5) }
    XCTAssertEqual(single(x).value, singlePlain(x).value)
  }

  // MARK: - Helpers

  typealias Runner = (Variable, RecurrentState?, [Int]?) -> (output: Variable, state: RecurrentState)

  /// Two-layer bidirectional LSTM, GRU and RNN (H = 3, I = 4), batch first or not.
  static let makers: [(Bool) -> (run: Runner, layer: any Module)] = [
    { batchFirst in
      let m = LSTM(inputSize: 4, hiddenSize: 3, numLayers: 2, batchFirst: batchFirst, bidirectional: true)
      return ({ m.run($0, initialState: $1, lengths: $2) }, m)
    },
    { batchFirst in
      let m = GRU(inputSize: 4, hiddenSize: 3, numLayers: 2, batchFirst: batchFirst, bidirectional: true)
      return ({ m.run($0, initialState: $1, lengths: $2) }, m)
    },
    { batchFirst in
      let m = RNN(inputSize: 4, hiddenSize: 3, numLayers: 2, batchFirst: batchFirst, bidirectional: true)
      return ({ m.run($0, initialState: $1, lengths: $2) }, m)
    },
  ]

  /// Sequence n's first `steps` steps of a batch-first [N, T, I] tensor, as [1, steps, I].
  private func slice(_ x: Tensor, sequence n: Int, steps: Int) -> Tensor {
    let (t, i) = (x.shape[1], x.shape[2])
    return Tensor(shape: [1, steps, i], scalars: Array(x.scalars[(n * t * i)..<(n * t * i + steps * i)]))
  }

  /// [A, B, C] → [B, A, C].
  private func swapFirstAxes(_ x: Tensor) -> Tensor {
    let (a, b, c) = (x.shape[0], x.shape[1], x.shape[2])
    var result = [Float](repeating: 0, count: x.count)
    let s = x.scalars
    for i in 0..<a { for j in 0..<b { for k in 0..<c { result[(j * a + i) * c + k] = s[(i * b + j) * c + k] } } }
    return Tensor(shape: [b, a, c], scalars: result)
  }
}
