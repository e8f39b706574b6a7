import Foundation

// Plain reference twins of the recurrent kernels: one time step, one sequence, one gate at a
// time, with the matrix products as dot-product loops. Same contracts as `recurrentForward` /
// `recurrentBackward`, which tests compare with these.

private func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

/// a[0..<count] · b[0..<count].
private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
  var sum: Float = 0
  for i in 0..<count { sum += a[i] * b[i] }
  return sum
}

/// Reference twin of `recurrentForward`.
public func recurrentForwardReference(
  input: UnsafePointer<Float>, weights: RecurrentWeights, initialHidden: UnsafePointer<Float>,
  initialCell: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>?,
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let inputSize = layout.inputSize
  let cell = layout.cell
  let savedWidth = layout.savedGateWidth
  var hidden = Array(UnsafeBufferPointer(start: initialHidden, count: layout.batch * h))
  var cellState =
    cell.hasCellState
    ? Array(UnsafeBufferPointer(start: initialCell!, count: layout.batch * h)) : []
  // W x + b and W h + b for one gate row j.
  func inputPart(_ j: Int, _ x: UnsafePointer<Float>) -> Float {
    dot(weights.inputWeight + j * inputSize, x, inputSize) + (weights.inputBias?[j] ?? 0)
  }
  func hiddenPart(_ j: Int, _ state: UnsafePointer<Float>) -> Float {
    dot(weights.hiddenWeight + j * h, state, h) + (weights.hiddenBias?[j] ?? 0)
  }
  for index in 0..<layout.steps {
    let t = layout.time(ofStep: index)
    for n in 0..<layout.batch {
      let row = layout.row(step: t, sequence: n)
      let x = input + row * inputSize
      let gates = saved + row * savedWidth
      let out = output + row * layout.outputStride + layout.outputOffset
      let previous = Array(hidden[(n * h)..<((n + 1) * h)])
      for k in 0..<h { saved[layout.savedPreviousHiddenOffset + row * h + k] = previous[k] }
      if cell.hasCellState {
        for k in 0..<h { saved[layout.savedPreviousCellOffset + row * h + k] = cellState[n * h + k] }
      }
      guard layout.isValid(step: t, sequence: n) else {
        for k in 0..<h { out[k] = 0 }
        for k in 0..<savedWidth { gates[k] = 0 }
        continue
      }
      previous.withUnsafeBufferPointer { state in
        let state = state.baseAddress!
        for k in 0..<h {
          switch cell {
          case .lstm:
            let i = sigmoid(inputPart(k, x) + hiddenPart(k, state))
            let f = sigmoid(inputPart(h + k, x) + hiddenPart(h + k, state))
            let g = tanh(inputPart(2 * h + k, x) + hiddenPart(2 * h + k, state))
            let o = sigmoid(inputPart(3 * h + k, x) + hiddenPart(3 * h + k, state))
            let c = f * cellState[n * h + k] + i * g
            cellState[n * h + k] = c
            hidden[n * h + k] = o * tanh(c)
            (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k]) = (i, f, g, o)
          case .gru:
            let r = sigmoid(inputPart(k, x) + hiddenPart(k, state))
            let z = sigmoid(inputPart(h + k, x) + hiddenPart(h + k, state))
            let hn = hiddenPart(2 * h + k, state)
            let candidate = tanh(inputPart(2 * h + k, x) + r * hn)
            hidden[n * h + k] = (1 - z) * candidate + z * state[k]
            (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k]) = (r, z, candidate, hn)
          case .rnnTanh, .rnnReLU:
            let a = inputPart(k, x) + hiddenPart(k, state)
            hidden[n * h + k] = cell == .rnnTanh ? tanh(a) : max(a, 0)
            gates[k] = hidden[n * h + k]
          }
          out[k] = hidden[n * h + k]
        }
      }
    }
  }
  for i in 0..<(layout.batch * h) { finalHidden[i] = hidden[i] }
  if cell.hasCellState {
    for i in 0..<(layout.batch * h) { finalCell![i] = cellState[i] }
  }
}

/// Reference twin of `recurrentBackward`.
public func recurrentBackwardReference(
  input: UnsafePointer<Float>, weights: RecurrentWeights, saved: UnsafePointer<Float>,
  gradOutput: UnsafePointer<Float>?, gradFinalHidden: UnsafePointer<Float>?,
  gradFinalCell: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  accumulateGradInput: Bool, gradInitialHidden: UnsafeMutablePointer<Float>,
  gradInitialCell: UnsafeMutablePointer<Float>?, gradWeights: RecurrentWeightGradients,
  layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let inputSize = layout.inputSize
  let width = layout.gateWidth
  let cell = layout.cell
  let savedWidth = layout.savedGateWidth
  let count = layout.batch * h
  // Gradients of the pre-activations: of W_ih x + b_ih (input side) and of W_hh h + b_hh
  // (hidden side); they differ only in GRU's n block (the reset gate scales the hidden side).
  var inputSide = [Float](repeating: 0, count: layout.rows * width)
  var hiddenSide = [Float](repeating: 0, count: layout.rows * width)
  var dh = (0..<count).map { gradFinalHidden?[$0] ?? 0 }
  var dc = (0..<count).map { cell.hasCellState ? (gradFinalCell?[$0] ?? 0) : 0 }
  for index in stride(from: layout.steps - 1, through: 0, by: -1) {
    let t = layout.time(ofStep: index)
    var direct = dh  // what reaches the previous state other than through W_hh
    for n in 0..<layout.batch where layout.isValid(step: t, sequence: n) {
      let row = layout.row(step: t, sequence: n)
      let gates = saved + row * savedWidth
      let previousHidden = saved + layout.savedPreviousHiddenOffset + row * h
      let dy = gradOutput.map { $0 + row * layout.outputStride + layout.outputOffset }
      for k in 0..<h {
        let total = dh[n * h + k] + (dy?[k] ?? 0)
        let base = row * width
        switch cell {
        case .lstm:
          let (i, f, g, o) = (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k])
          let previousCell = saved[layout.savedPreviousCellOffset + row * h + k]
          let c = f * previousCell + i * g
          let tc = tanh(c)
          let dcTotal = dc[n * h + k] + total * o * (1 - tc * tc)
          let grads = [
            dcTotal * g * i * (1 - i), dcTotal * previousCell * f * (1 - f),
            dcTotal * i * (1 - g * g), total * tc * o * (1 - o),
          ]
          for (block, value) in grads.enumerated() {
            inputSide[base + block * h + k] = value
            hiddenSide[base + block * h + k] = value
          }
          dc[n * h + k] = dcTotal * f
          direct[n * h + k] = 0
        case .gru:
          let (r, z, candidate, hn) = (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k])
          let dCandidate = total * (1 - z) * (1 - candidate * candidate)
          let dr = dCandidate * hn * r * (1 - r)
          let dz = total * (previousHidden[k] - candidate) * z * (1 - z)
          inputSide[base + k] = dr
          hiddenSide[base + k] = dr
          inputSide[base + h + k] = dz
          hiddenSide[base + h + k] = dz
          inputSide[base + 2 * h + k] = dCandidate
          hiddenSide[base + 2 * h + k] = dCandidate * r
          direct[n * h + k] = total * z
        case .rnnTanh, .rnnReLU:
          let y = gates[k]
          let d = total * (cell == .rnnTanh ? 1 - y * y : (y > 0 ? 1 : 0))
          inputSide[base + k] = d
          hiddenSide[base + k] = d
          direct[n * h + k] = 0
        }
      }
    }
    // dh_prev = direct + W_hhᵀ · (hidden-side gradient), per sequence.
    for n in 0..<layout.batch {
      let row = layout.row(step: t, sequence: n)
      for k in 0..<h {
        var sum = direct[n * h + k]
        if layout.isValid(step: t, sequence: n) {
          for j in 0..<width { sum += hiddenSide[row * width + j] * weights.hiddenWeight[j * h + k] }
        }
        dh[n * h + k] = sum
      }
    }
  }
  for i in 0..<count { gradInitialHidden[i] = dh[i] }
  if cell.hasCellState {
    for i in 0..<count { gradInitialCell![i] = dc[i] }
  }
  // Parameter gradients: sums over every row.
  for j in 0..<width {
    for i in 0..<inputSize {
      var sum: Float = 0
      for row in 0..<layout.rows { sum += inputSide[row * width + j] * input[row * inputSize + i] }
      gradWeights.inputWeight[j * inputSize + i] = sum
    }
    for k in 0..<h {
      var sum: Float = 0
      for row in 0..<layout.rows {
        sum += hiddenSide[row * width + j] * saved[layout.savedPreviousHiddenOffset + row * h + k]
      }
      gradWeights.hiddenWeight[j * h + k] = sum
    }
    if let bias = gradWeights.inputBias {
      bias[j] = (0..<layout.rows).reduce(0) { $0 + inputSide[$1 * width + j] }
    }
    if let bias = gradWeights.hiddenBias {
      bias[j] = (0..<layout.rows).reduce(0) { $0 + hiddenSide[$1 * width + j] }
    }
  }
  if let gradInput {
    for row in 0..<layout.rows {
      for i in 0..<inputSize {
        var sum: Float = accumulateGradInput ? gradInput[row * inputSize + i] : 0
        for j in 0..<width { sum += inputSide[row * width + j] * weights.inputWeight[j * inputSize + i] }
        gradInput[row * inputSize + i] = sum
      }
    }
  }
}
