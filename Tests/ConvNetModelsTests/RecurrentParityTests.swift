import ConvNetAutograd
import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// LSTM, GRU and RNN (tanh, relu) against PyTorch: 1 and 2 layers, one direction and
/// bidirectional, time-major and batch-first, and padded sequences with lengths (PyTorch's
/// pack_padded_sequence), from the same weights, input and initial states. Compared: the
/// output sequence, the final states and the gradient of a fixed weighting of all of them
/// with respect to the input, the initial states and every parameter — each tensor within
/// 1e-5 of its largest magnitude. Fixtures: `Fixtures/recurrent/make_recurrent_goldens.py`.
final class RecurrentParityTests: XCTestCase {
  static let cells = ["lstm", "gru", "rnn_tanh", "rnn_relu"]

  static var caseNames: [String] {
    cells.flatMap { cell in
      [1, 2].flatMap { layers in
        ["uni", "bi"].flatMap { direction in
          ["tm", "bf"].map { layout in "\(cell)_l\(layers)_\(direction)_\(layout)" }
        }
      } + ["tm", "bf"].map { "\(cell)_l2_bi_\($0)_lengths" }
    }
  }

  func testMatchesPyTorch() throws {
    let goldens = try readStateDict(
      from: TorchReference.url("recurrent", "safetensors", folder: "recurrent"))
    XCTAssertEqual(Self.caseNames.count, 40)
    for name in Self.caseNames {
      try check(name, goldens: goldens)
    }
  }

  private func check(_ name: String, goldens: [String: Tensor]) throws {
    func golden(_ key: String) throws -> Tensor {
      try XCTUnwrap(goldens["\(name).\(key)"], "\(name): no \(key) in the fixture")
    }
    let parts = name.split(separator: "_")
    let cell = parts[0] == "rnn" ? "\(parts[0])_\(parts[1])" : String(parts[0])
    let layers = name.contains("_l2_") ? 2 : 1
    let bidirectional = name.contains("_bi_")
    let batchFirst = name.contains("_bf")
    let input = try golden("input")
    let inputSize = input.shape[2]
    let hiddenSize = try golden("h0").shape[2]
    let module: any Module
    let run: (Variable, RecurrentState, [Int]?) -> (output: Variable, state: RecurrentState)
    switch cell {
    case "lstm":
      let lstm = LSTM(
        inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, batchFirst: batchFirst,
        bidirectional: bidirectional)
      (module, run) = (lstm, { lstm.run($0, initialState: $1, lengths: $2) })
    case "gru":
      let gru = GRU(
        inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, batchFirst: batchFirst,
        bidirectional: bidirectional)
      (module, run) = (gru, { gru.run($0, initialState: $1, lengths: $2) })
    default:
      let rnn = RNN(
        inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, batchFirst: batchFirst,
        dropout: 0, bidirectional: bidirectional, nonlinearity: cell == "rnn_relu" ? .relu : .tanh)
      (module, run) = (rnn, { rnn.run($0, initialState: $1, lengths: $2) })
    }
    // The module's state dict, from the case's entries.
    var weights: [String: Tensor] = [:]
    for (key, _) in module.namedParameters() { weights[key] = try golden(key) }
    try module.loadStateDict(weights)

    let lengths = try goldens["\(name).lengths"].map { $0.scalars.map { Int($0) } }
    let x = Variable(input, requiresGrad: true)
    let h0 = Variable(try golden("h0"), requiresGrad: true)
    let c0 = cell == "lstm" ? Variable(try golden("c0"), requiresGrad: true) : nil
    let state = RecurrentState(hidden: h0, cell: c0)
    try (module as? LSTM)?.validateInput(shape: input.shape, initialState: state, lengths: lengths)
    let result = run(x, state, lengths)

    var loss = (result.output * Variable(try golden("w_out"))).sum()
      + (result.state.hidden * Variable(try golden("w_h"))).sum()
    if let finalCell = result.state.cell { loss = loss + (finalCell * Variable(try golden("w_c"))).sum() }
    loss.backward()

    func compare(_ actual: Tensor?, _ key: String) throws {
      let expected = try golden(key)
      let actual = try XCTUnwrap(actual, "\(name): no value for \(key)")
      let scale = max(abs(expected.max()), abs(expected.min()), 1e-6)
      assertClose(actual, expected, absoluteTolerance: 1e-5 * scale, relativeTolerance: 0, "\(name) \(key)")
    }
    try compare(result.output.value, "output")
    try compare(result.state.hidden.value, "h_n")
    try compare(x.grad, "grad.input")
    try compare(h0.grad, "grad.h0")
    if let c0 {
      try compare(result.state.cell?.value, "c_n")
      try compare(c0.grad, "grad.c0")
    }
    for (key, parameter) in module.namedParameters() { try compare(parameter.grad, "grad.\(key)") }
  }
}
