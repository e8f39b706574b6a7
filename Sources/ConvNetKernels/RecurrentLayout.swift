/// Which recurrent cell a layer runs (PyTorch's `LSTM`, `GRU`, `RNN(nonlinearity=…)`).
public enum RecurrentCell: Sendable, Equatable {
  /// Gates i, f, g, o (rows of the weights in that order): c' = f⊙c + i⊙g, h' = o⊙tanh(c').
  case lstm
  /// Gates r, z, n: n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h.
  case gru
  /// h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
  case rnnTanh
  /// h' = relu(W_ih x + b_ih + W_hh h + b_hh).
  case rnnReLU

  /// Blocks of H rows in the weights (4 for LSTM, 3 for GRU, 1 for RNN).
  public var gateCount: Int {
    switch self {
    case .lstm: return 4
    case .gru: return 3
    case .rnnTanh, .rnnReLU: return 1
    }
  }

  /// Whether the cell carries a cell state c besides h (LSTM only).
  public var hasCellState: Bool { self == .lstm }

  /// Values per (step, sequence) the forward saves for the backward in its gate block: LSTM the
  /// activated gates i, f, g, o; GRU r, z, n and W_hn h + b_hn; RNN the new hidden state.
  func savedGateWidth(hiddenSize: Int) -> Int {
    switch self {
    case .lstm, .gru: return 4 * hiddenSize
    case .rnnTanh, .rnnReLU: return hiddenSize
    }
  }
}

/// One direction of one recurrent layer over a whole batch of sequences: the sizes, the memory
/// layout of the input and output sequences, the direction, and the valid length of each
/// sequence. The kernels (`recurrentForward`, `recurrentBackward` and their reference twins)
/// take it with raw pointers.
///
/// Sequences are stored as rows of a matrix: row `row(step:sequence:)` of the input holds the
/// `inputSize` features of sequence n at time t, time-major ([T, N, ·], row t·N + n) or, with
/// `batchFirst`, [N, T, ·] (row n·T + t). The output uses the same rows with `outputStride`
/// floats per row, starting at column `outputOffset`, so that the two directions of a
/// bidirectional layer write their halves of one [·, 2H] output in place.
public struct RecurrentLayout: Sendable, Equatable {
  public let cell: RecurrentCell
  /// T: time steps in the (padded) sequences.
  public let steps: Int
  /// N: sequences.
  public let batch: Int
  public let inputSize: Int
  public let hiddenSize: Int
  public let batchFirst: Bool
  /// Runs from the last step to the first (the `_reverse` direction).
  public let reverse: Bool
  /// Valid steps of each sequence (N values in 1…T), or nil when all are T long. Steps at or
  /// past a sequence's length output zeros and leave its state alone (PyTorch's packed
  /// sequences): the final state is that of its last valid step, and the reverse direction
  /// starts there.
  public let lengths: [Int]?
  /// Floats per row of the output (H, or 2H for a bidirectional layer).
  public let outputStride: Int
  /// Column of the output row where this direction's H values start (0, or H for reverse).
  public let outputOffset: Int

  public init(
    cell: RecurrentCell, steps: Int, batch: Int, inputSize: Int, hiddenSize: Int,
    batchFirst: Bool = false, reverse: Bool = false, lengths: [Int]? = nil,
    outputStride: Int? = nil, outputOffset: Int = 0
  ) {
    precondition(
      steps > 0 && batch > 0 && inputSize > 0 && hiddenSize > 0,
      "RecurrentLayout: sizes must be positive (steps \(steps), batch \(batch), input \(inputSize), hidden \(hiddenSize))"
    )
    precondition(
      lengths.map { $0.count == batch && $0.allSatisfy { (1...steps).contains($0) } } ?? true,
      "RecurrentLayout: lengths must be \(batch) values in 1…\(steps)")
    let stride = outputStride ?? hiddenSize
    precondition(
      outputOffset >= 0 && outputOffset + hiddenSize <= stride,
      "RecurrentLayout: output columns \(outputOffset)..<\(outputOffset + hiddenSize) exceed stride \(stride)")
    self.cell = cell
    self.steps = steps
    self.batch = batch
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.batchFirst = batchFirst
    self.reverse = reverse
    self.lengths = lengths
    self.outputStride = stride
    self.outputOffset = outputOffset
  }

  /// T·N: rows of the input and output matrices.
  public var rows: Int { steps * batch }
  /// G·H: rows of the weights, columns of one step's gate block.
  public var gateWidth: Int { cell.gateCount * hiddenSize }

  /// The row of sequence `sequence` at time `step` in the input and output matrices.
  @inline(__always)
  public func row(step: Int, sequence: Int) -> Int {
    batchFirst ? sequence * steps + step : step * batch + sequence
  }

  /// Floats between the rows of consecutive sequences at one time step.
  var sequenceRowStride: Int { batchFirst ? steps : 1 }

  /// The time step processed `index`-th (0-based) in this direction.
  @inline(__always)
  func time(ofStep index: Int) -> Int { reverse ? steps - 1 - index : index }

  /// Whether sequence n has a value at time t.
  @inline(__always)
  func isValid(step t: Int, sequence n: Int) -> Bool {
    guard let lengths else { return true }
    return t < lengths[n]
  }

  /// Floats the forward saves for the backward (`recurrentForward`'s `saved`): per row, the
  /// gate block (`RecurrentCell.savedGateWidth`), the hidden state the step started from, and
  /// for LSTM the cell state it started from.
  public var savedCount: Int {
    rows * (cell.savedGateWidth(hiddenSize: hiddenSize) + hiddenSize + (cell.hasCellState ? hiddenSize : 0))
  }

  /// Offsets of the saved parts in `saved`.
  var savedGateWidth: Int { cell.savedGateWidth(hiddenSize: hiddenSize) }
  var savedPreviousHiddenOffset: Int { rows * savedGateWidth }
  var savedPreviousCellOffset: Int { savedPreviousHiddenOffset + rows * hiddenSize }
}

/// The parameters of one direction of a recurrent layer, in PyTorch's layout: `inputWeight`
/// [G·H, inputSize] (`weight_ih_l{k}`), `hiddenWeight` [G·H, H] (`weight_hh_l{k}`), biases
/// [G·H] or nil (`bias_ih_l{k}`, `bias_hh_l{k}`); gate blocks in the cell's order.
public struct RecurrentWeights {
  public let inputWeight: UnsafePointer<Float>
  public let hiddenWeight: UnsafePointer<Float>
  public let inputBias: UnsafePointer<Float>?
  public let hiddenBias: UnsafePointer<Float>?

  public init(
    inputWeight: UnsafePointer<Float>, hiddenWeight: UnsafePointer<Float>,
    inputBias: UnsafePointer<Float>?, hiddenBias: UnsafePointer<Float>?
  ) {
    self.inputWeight = inputWeight
    self.hiddenWeight = hiddenWeight
    self.inputBias = inputBias
    self.hiddenBias = hiddenBias
  }
}

/// Where `recurrentBackward` writes the parameter gradients (same shapes as `RecurrentWeights`;
/// overwritten, not accumulated). Bias gradients are skipped when nil.
public struct RecurrentWeightGradients {
  public let inputWeight: UnsafeMutablePointer<Float>
  public let hiddenWeight: UnsafeMutablePointer<Float>
  public let inputBias: UnsafeMutablePointer<Float>?
  public let hiddenBias: UnsafeMutablePointer<Float>?

  public init(
    inputWeight: UnsafeMutablePointer<Float>, hiddenWeight: UnsafeMutablePointer<Float>,
    inputBias: UnsafeMutablePointer<Float>?, hiddenBias: UnsafeMutablePointer<Float>?
  ) {
    self.inputWeight = inputWeight
    self.hiddenWeight = hiddenWeight
    self.inputBias = inputBias
    self.hiddenBias = hiddenBias
  }
}
