import ConvNetKernels
import ConvNetTensor

/// The parameters of one direction of a recurrent layer (PyTorch's `weight_ih_l{k}`,
/// `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, or their `_reverse` twins): W_ih
/// [G·H, inputSize], W_hh [G·H, H], biases [G·H] or nil, gate blocks in the cell's order.
public struct RecurrentDirectionParameters {
  public var inputWeight: Variable
  public var hiddenWeight: Variable
  public var inputBias: Variable?
  public var hiddenBias: Variable?

  public init(inputWeight: Variable, hiddenWeight: Variable, inputBias: Variable?, hiddenBias: Variable?) {
    self.inputWeight = inputWeight
    self.hiddenWeight = hiddenWeight
    self.inputBias = inputBias
    self.hiddenBias = hiddenBias
  }
}

/// One recurrent layer (LSTM, GRU or RNN) over whole sequences, in one or both directions — a
/// single differentiable op with three outputs (the output sequence and the final h and c),
/// so that the graph holds one node per layer rather than a node per time step. Its backward
/// is backpropagation through time (`recurrentBackward`), from any of the outputs' gradients.
///
/// - Parameters:
///   - input: [T, N, I], or [N, T, I] when `batchFirst`.
///   - directions: one parameter set (forward) or two (forward, reverse).
///   - initialStates: h₀ (and c₀ for LSTM) of the whole stack, [layers·D, N, H], or nil for
///     zeros; this layer reads rows `stateIndex ..< stateIndex + D` (its gradient has the
///     whole tensor's shape, zero elsewhere).
///   - lengths: each sequence's valid steps (1…T), or nil; see `RecurrentLayout.lengths`.
/// - Returns: output [T, N, D·H] (or [N, T, D·H]; the reverse direction in the last H
///   features), hidden [D, N, H], cell [D, N, H] for LSTM else nil.
public func recurrentLayer(
  _ input: Variable, cell: RecurrentCell, directions: [RecurrentDirectionParameters],
  initialStates: (hidden: Variable, cell: Variable?)? = nil, stateIndex: Int = 0,
  batchFirst: Bool = false, lengths: [Int]? = nil
) -> (output: Variable, hidden: Variable, cell: Variable?) {
  let x = input.value
  precondition(x.rank == 3, "recurrentLayer: expects a 3-d input, got \(x.shape)")
  precondition(directions.count == 1 || directions.count == 2, "recurrentLayer: 1 or 2 directions")
  let steps = batchFirst ? x.shape[1] : x.shape[0]
  let batch = batchFirst ? x.shape[0] : x.shape[1]
  let inputSize = x.shape[2]
  let hiddenSize = directions[0].hiddenWeight.shape[1]
  let width = cell.gateCount * hiddenSize
  let count = directions.count
  for parameters in directions {
    precondition(
      parameters.inputWeight.shape == [width, inputSize] && parameters.hiddenWeight.shape == [width, hiddenSize]
        && (parameters.inputBias?.shape ?? [width]) == [width]
        && (parameters.hiddenBias?.shape ?? [width]) == [width],
      "recurrentLayer: weights \(parameters.inputWeight.shape), \(parameters.hiddenWeight.shape) do not fit input \(x.shape) and hidden size \(hiddenSize)"
    )
  }
  let stateCount = batch * hiddenSize
  if let initialStates {
    let shape = initialStates.hidden.shape
    precondition(
      shape.count == 3 && shape[1] == batch && shape[2] == hiddenSize && stateIndex + count <= shape[0]
        && (initialStates.cell?.shape ?? shape) == shape && (initialStates.cell != nil) == cell.hasCellState,
      "recurrentLayer: initial state \(shape) does not fit [\(stateIndex + count)+, \(batch), \(hiddenSize)]")
  }
  let layouts = (0..<count).map { direction in
    RecurrentLayout(
      cell: cell, steps: steps, batch: batch, inputSize: inputSize, hiddenSize: hiddenSize,
      batchFirst: batchFirst, reverse: direction == 1, lengths: lengths,
      outputStride: count * hiddenSize, outputOffset: direction * hiddenSize)
  }
  let outputShape = batchFirst ? [batch, steps, count * hiddenSize] : [steps, batch, count * hiddenSize]
  var output = Tensor(uninitializedShape: outputShape)
  var hidden = Tensor(uninitializedShape: [count, batch, hiddenSize])
  var cellState = cell.hasCellState ? Tensor(uninitializedShape: [count, batch, hiddenSize]) : nil
  let zeros = initialStates == nil ? Tensor.zeros([count, batch, hiddenSize]) : nil
  let h0 = initialStates?.hidden.value ?? zeros!
  let c0 = cell.hasCellState ? (initialStates?.cell?.value ?? zeros!) : nil
  let h0Offset = initialStates == nil ? 0 : stateIndex * stateCount
  let values = directions.map {
    (
      $0.inputWeight.value, $0.hiddenWeight.value, $0.inputBias?.value, $0.hiddenBias?.value
    )
  }
  func weights(_ direction: Int) -> RecurrentWeights {
    let (wih, whh, bih, bhh) = values[direction]
    return RecurrentWeights(
      inputWeight: wih.readOnlyElements, hiddenWeight: whh.readOnlyElements,
      inputBias: bih?.readOnlyElements, hiddenBias: bhh?.readOnlyElements)
  }
  var saved = layouts.map { Tensor(uninitializedShape: [$0.savedCount]) }
  let out = output.uniqueElements()
  let hN = hidden.uniqueElements()
  let cN = cellState?.uniqueElements()
  for (direction, layout) in layouts.enumerated() {
    let offset = direction * stateCount
    recurrentForward(
      input: x.readOnlyElements, weights: weights(direction),
      initialHidden: h0.readOnlyElements + h0Offset + offset,
      initialCell: c0.map { $0.readOnlyElements + h0Offset + offset }, output: out,
      finalHidden: hN + offset, finalCell: cN.map { $0 + offset },
      saved: saved[direction].uniqueElements(), layout: layout)
  }

  let savedStates = saved  // kept by the backward (freed with its node once it has run)
  var inputs = [input]
  for parameters in directions {
    inputs += [parameters.inputWeight, parameters.hiddenWeight]
    if let bias = parameters.inputBias { inputs.append(bias) }
    if let bias = parameters.hiddenBias { inputs.append(bias) }
  }
  if let initialStates {
    inputs.append(initialStates.hidden)
    if let initialCell = initialStates.cell { inputs.append(initialCell) }
  }
  let results = [output, hidden] + (cellState.map { [$0] } ?? [])
  let stateShape = initialStates?.hidden.shape
  let variables = Variable.makeOutputs(results, name: "recurrent_layer", inputs: inputs) { gradients in
    let gradOutput = gradients[0]
    let gradHidden = gradients[1]
    let gradCell = gradients.count > 2 ? gradients[2] : nil
    var gradInput = input.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
    var parameterGradients: [Tensor?] = []
    var gradH0 = stateShape.map { Tensor.zeros($0) }
    var gradC0 = cell.hasCellState ? stateShape.map { Tensor.zeros($0) } : nil
    let dx = gradInput?.uniqueElements()
    let dh0 = gradH0?.uniqueElements()
    let dc0 = gradC0?.uniqueElements()
    // Where dh₀/dc₀ go when the initial states are constant zeros (not inputs of the op).
    var unused = Tensor(uninitializedShape: [2 * stateCount])
    let scratch = unused.uniqueElements()
    do {
      for (direction, layout) in layouts.enumerated() {
        let (wih, whh, bih, bhh) = values[direction]
        var gradInputWeight = Tensor(uninitializedShape: wih.shape)
        var gradHiddenWeight = Tensor(uninitializedShape: whh.shape)
        var gradInputBias = bih.map { Tensor(uninitializedShape: $0.shape) }
        var gradHiddenBias = bhh.map { Tensor(uninitializedShape: $0.shape) }
        let offset = direction * stateCount
        recurrentBackward(
          input: x.readOnlyElements, weights: weights(direction),
          saved: savedStates[direction].readOnlyElements, gradOutput: gradOutput?.readOnlyElements,
          gradFinalHidden: gradHidden.map { $0.readOnlyElements + offset },
          gradFinalCell: gradCell.map { $0.readOnlyElements + offset }, gradInput: dx,
          accumulateGradInput: direction > 0,
          gradInitialHidden: dh0.map { $0 + h0Offset + offset } ?? scratch,
          gradInitialCell: cell.hasCellState ? (dc0.map { $0 + h0Offset + offset } ?? scratch + stateCount) : nil,
          gradWeights: RecurrentWeightGradients(
            inputWeight: gradInputWeight.uniqueElements(), hiddenWeight: gradHiddenWeight.uniqueElements(),
            inputBias: gradInputBias?.uniqueElements(), hiddenBias: gradHiddenBias?.uniqueElements()),
          layout: layout)
        parameterGradients += [gradInputWeight, gradHiddenWeight]
        if let gradInputBias { parameterGradients.append(gradInputBias) }
        if let gradHiddenBias { parameterGradients.append(gradHiddenBias) }
      }
    }
    withExtendedLifetime(unused) {}
    var result: [Tensor?] = [gradInput] + parameterGradients
    if stateShape != nil {
      result.append(gradH0)
      if cell.hasCellState { result.append(gradC0) }
    }
    return result
  }
  return (variables[0], variables[1], cell.hasCellState ? variables[2] : nil)
}
