import Foundation

// The recurrent kernels: one direction of one LSTM/GRU/RNN layer over whole sequences.
//
// Forward: the input projection of every time step is one GEMM (x·W_ihᵀ + b_ih for all T·N
// rows, written straight into the saved gate block); each step is then one GEMM h·W_hhᵀ + b_hh
// over the batch followed by an epilogue that adds the two, applies the gate nonlinearities and
// updates the state (`recurrentStepForward`). Backward: each step's epilogue turns dh (and dc)
// into the gradients of the pre-activations (`recurrentStepBackward`) and one GEMM sends them
// through W_hh to the previous state; the weight gradients, the bias gradients and the input
// gradient are then one GEMM (or one column sum) each over all steps.

@inline(__always) private func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

/// Runs one direction of a recurrent layer over `layout.steps` time steps.
///
/// - Parameters:
///   - input: the sequences, `layout.rows` rows of `inputSize` floats (see `RecurrentLayout`).
///   - initialHidden, initialCell: h₀ (and c₀ for LSTM, else nil), [N, H].
///   - output: h at every step, written at `outputStride`/`outputOffset` (zeros past a
///     sequence's length); only this direction's H columns of each row are written.
///   - finalHidden, finalCell: the state after each sequence's last valid step, [N, H].
///   - saved: `layout.savedCount` floats for `recurrentBackward` (also needed without it:
///     the gate block is the kernel's workspace).
public func recurrentForward(
  input: UnsafePointer<Float>, weights: RecurrentWeights, initialHidden: UnsafePointer<Float>,
  initialCell: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>?,
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let batch = layout.batch
  let width = layout.gateWidth
  let savedWidth = layout.savedGateWidth
  let hasCell = layout.cell.hasCellState
  precondition(!hasCell || (initialCell != nil && finalCell != nil), "recurrentForward: LSTM needs c₀ and c_T")
  // All steps' input projections at once, into the first G·H columns of the saved gate rows.
  gemm(
    transposeA: false, transposeB: true, m: layout.rows, n: width, k: layout.inputSize, alpha: 1,
    a: input, lda: layout.inputSize, b: weights.inputWeight, ldb: layout.inputSize, beta: 0,
    c: saved, ldc: savedWidth, bias: weights.inputBias, biasAlongRows: false, relu: false)
  ScratchPool.withBuffer(count: batch * (2 * h + width)) { scratch in
    let hidden = scratch
    let cell = scratch + batch * h
    let hiddenGates = scratch + 2 * batch * h
    hidden.update(from: initialHidden, count: batch * h)
    if hasCell { cell.update(from: initialCell!, count: batch * h) }
    for index in 0..<layout.steps {
      let t = layout.time(ofStep: index)
      // W_hh h + b_hh for the whole batch.
      gemm(
        transposeA: false, transposeB: true, m: batch, n: width, k: h, alpha: 1, a: hidden, lda: h,
        b: weights.hiddenWeight, ldb: h, beta: 0, c: hiddenGates, ldc: width,
        bias: weights.hiddenBias, biasAlongRows: false, relu: false)
      parallelChunks(batch, minimumChunk: max(1, 4096 / (width + 1))) { sequences in
        for n in sequences {
          recurrentStepForward(
            t: t, sequence: n, hiddenGates: hiddenGates + n * width, hidden: hidden + n * h,
            cell: hasCell ? cell + n * h : nil, output: output, saved: saved, layout: layout)
        }
      }
    }
    finalHidden.update(from: hidden, count: batch * h)
    if hasCell { finalCell!.update(from: cell, count: batch * h) }
  }
}

/// The epilogue of one step for one sequence: saves the state the step starts from, combines
/// the input and hidden projections through the gates, updates h (and c) in place and writes
/// the output row.
@inline(__always)
private func recurrentStepForward(
  t: Int, sequence n: Int, hiddenGates: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>,
  cell: UnsafeMutablePointer<Float>?, output: UnsafeMutablePointer<Float>,
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let row = layout.row(step: t, sequence: n)
  let gates = saved + row * layout.savedGateWidth
  let out = output + row * layout.outputStride + layout.outputOffset
  (saved + layout.savedPreviousHiddenOffset + row * h).update(from: hidden, count: h)
  if let cell { (saved + layout.savedPreviousCellOffset + row * h).update(from: cell, count: h) }
  guard layout.isValid(step: t, sequence: n) else {
    out.update(repeating: 0, count: h)
    gates.update(repeating: 0, count: layout.savedGateWidth)
    return
  }
  switch layout.cell {
  case .lstm:
    let cell = cell!
    for k in 0..<h {
      let i = sigmoid(gates[k] + hiddenGates[k])
      let f = sigmoid(gates[h + k] + hiddenGates[h + k])
      let g = tanh(gates[2 * h + k] + hiddenGates[2 * h + k])
      let o = sigmoid(gates[3 * h + k] + hiddenGates[3 * h + k])
      let c = f * cell[k] + i * g
      cell[k] = c
      let y = o * tanh(c)
      hidden[k] = y
      out[k] = y
      gates[k] = i
      gates[h + k] = f
      gates[2 * h + k] = g
      gates[3 * h + k] = o
    }
  case .gru:
    for k in 0..<h {
      let r = sigmoid(gates[k] + hiddenGates[k])
      let z = sigmoid(gates[h + k] + hiddenGates[h + k])
      let hn = hiddenGates[2 * h + k]
      let candidate = tanh(gates[2 * h + k] + r * hn)
      let y = (1 - z) * candidate + z * hidden[k]
      hidden[k] = y
      out[k] = y
      gates[k] = r
      gates[h + k] = z
      gates[2 * h + k] = candidate
      gates[3 * h + k] = hn
    }
  case .rnnTanh:
    for k in 0..<h {
      let y = tanh(gates[k] + hiddenGates[k])
      hidden[k] = y
      out[k] = y
      gates[k] = y
    }
  case .rnnReLU:
    for k in 0..<h {
      let y = max(gates[k] + hiddenGates[k], 0)
      hidden[k] = y
      out[k] = y
      gates[k] = y
    }
  }
}

/// Backpropagates through one direction of a recurrent layer (backward through time).
///
/// - Parameters:
///   - saved: what `recurrentForward` saved for the same inputs and weights.
///   - gradOutput: dL/d(output), read at the output's stride and offset; nil for zero.
///     Rows past a sequence's length are ignored (those outputs are constant zeros).
///   - gradFinalHidden, gradFinalCell: dL/dh_T, dL/dc_T, [N, H]; nil for zero.
///   - gradInput: dL/dx (rows × inputSize), or nil to skip it; overwritten, or added to when
///     `accumulateGradInput` (the second direction of a bidirectional layer).
///   - gradInitialHidden, gradInitialCell: dL/dh₀, dL/dc₀ (LSTM), overwritten.
///   - gradWeights: overwritten.
public func recurrentBackward(
  input: UnsafePointer<Float>, weights: RecurrentWeights, saved: UnsafePointer<Float>,
  gradOutput: UnsafePointer<Float>?, gradFinalHidden: UnsafePointer<Float>?,
  gradFinalCell: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  accumulateGradInput: Bool, gradInitialHidden: UnsafeMutablePointer<Float>,
  gradInitialCell: UnsafeMutablePointer<Float>?, gradWeights: RecurrentWeightGradients,
  layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let batch = layout.batch
  let width = layout.gateWidth
  let rows = layout.rows
  let hasCell = layout.cell.hasCellState
  let separateHiddenSide = layout.cell == .gru
  precondition(!hasCell || gradInitialCell != nil, "recurrentBackward: LSTM needs dc₀")
  let scratchCount = rows * width * (separateHiddenSide ? 2 : 1) + 2 * batch * h
  ScratchPool.withBuffer(count: scratchCount) { scratch in
    // Gradients of the pre-activations, per row: of W_ih x + b_ih and of W_hh h + b_hh (the
    // same buffer except for GRU, whose reset gate scales the hidden side of the n block).
    let inputSide = scratch
    let hiddenSide = separateHiddenSide ? scratch + rows * width : inputSide
    let dh = scratch + rows * width * (separateHiddenSide ? 2 : 1)
    let dc = dh + batch * h
    if let gradFinalHidden { dh.update(from: gradFinalHidden, count: batch * h) } else {
      dh.update(repeating: 0, count: batch * h)
    }
    if let gradFinalCell, hasCell { dc.update(from: gradFinalCell, count: batch * h) } else {
      dc.update(repeating: 0, count: batch * h)
    }
    for index in stride(from: layout.steps - 1, through: 0, by: -1) {
      let t = layout.time(ofStep: index)
      parallelChunks(batch, minimumChunk: max(1, 4096 / (width + 1))) { sequences in
        for n in sequences {
          recurrentStepBackward(
            t: t, sequence: n, gradOutput: gradOutput, dh: dh + n * h, dc: dc + n * h,
            inputSide: inputSide, hiddenSide: hiddenSide, saved: saved, layout: layout)
        }
      }
      // dh_prev += (hidden-side gradient of this step) · W_hh.
      gemm(
        transposeA: false, transposeB: false, m: batch, n: h, k: width, alpha: 1,
        a: hiddenSide + layout.row(step: t, sequence: 0) * width,
        lda: width * layout.sequenceRowStride, b: weights.hiddenWeight, ldb: h, beta: 1,
        c: dh, ldc: h)
    }
    gradInitialHidden.update(from: dh, count: batch * h)
    if hasCell { gradInitialCell!.update(from: dc, count: batch * h) }

    // The parameter gradients: sums over all T·N rows, one GEMM each.
    gemm(
      transposeA: true, transposeB: false, m: width, n: layout.inputSize, k: rows, alpha: 1,
      a: inputSide, lda: width, b: input, ldb: layout.inputSize, beta: 0,
      c: gradWeights.inputWeight, ldc: layout.inputSize)
    gemm(
      transposeA: true, transposeB: false, m: width, n: h, k: rows, alpha: 1, a: hiddenSide,
      lda: width, b: saved + layout.savedPreviousHiddenOffset, ldb: h, beta: 0,
      c: gradWeights.hiddenWeight, ldc: h)
    if let bias = gradWeights.inputBias { sumRows(inputSide, rows: rows, columns: width, into: bias) }
    if let bias = gradWeights.hiddenBias { sumRows(hiddenSide, rows: rows, columns: width, into: bias) }
    if let gradInput {
      gemm(
        transposeA: false, transposeB: false, m: rows, n: layout.inputSize, k: width, alpha: 1,
        a: inputSide, lda: width, b: weights.inputWeight, ldb: layout.inputSize,
        beta: accumulateGradInput ? 1 : 0, c: gradInput, ldc: layout.inputSize)
    }
  }
}

/// column j of `into` = Σ over rows of matrix[row, j].
private func sumRows(
  _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
) {
  sums.update(repeating: 0, count: columns)
  for row in 0..<rows {
    let values = matrix + row * columns
    for j in 0..<columns { sums[j] += values[j] }
  }
}

/// The backward epilogue of one step for one sequence: from dh (+ the output's gradient) and
/// dc, the gradients of the step's pre-activations (both sides); dh and dc are replaced by
/// what reaches the previous state other than through W_hh. A step past the sequence's length
/// passes dh and dc through and has zero pre-activation gradients.
@inline(__always)
private func recurrentStepBackward(
  t: Int, sequence n: Int, gradOutput: UnsafePointer<Float>?, dh: UnsafeMutablePointer<Float>,
  dc: UnsafeMutablePointer<Float>, inputSide: UnsafeMutablePointer<Float>,
  hiddenSide: UnsafeMutablePointer<Float>, saved: UnsafePointer<Float>, layout: RecurrentLayout
) {
  let h = layout.hiddenSize
  let width = layout.gateWidth
  let row = layout.row(step: t, sequence: n)
  let dInput = inputSide + row * width
  let dHidden = hiddenSide + row * width
  guard layout.isValid(step: t, sequence: n) else {
    dInput.update(repeating: 0, count: width)
    if dHidden != dInput { dHidden.update(repeating: 0, count: width) }
    return
  }
  let gates = saved + row * layout.savedGateWidth
  let dy = gradOutput.map { $0 + row * layout.outputStride + layout.outputOffset }
  switch layout.cell {
  case .lstm:
    let previousCell = saved + layout.savedPreviousCellOffset + row * h
    for k in 0..<h {
      let total = dh[k] + (dy?[k] ?? 0)
      let (i, f, g, o) = (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k])
      let tc = tanh(f * previousCell[k] + i * g)
      let dcTotal = dc[k] + total * o * (1 - tc * tc)
      dInput[k] = dcTotal * g * i * (1 - i)
      dInput[h + k] = dcTotal * previousCell[k] * f * (1 - f)
      dInput[2 * h + k] = dcTotal * i * (1 - g * g)
      dInput[3 * h + k] = total * tc * o * (1 - o)
      dc[k] = dcTotal * f
      dh[k] = 0
    }
  case .gru:
    let previousHidden = saved + layout.savedPreviousHiddenOffset + row * h
    for k in 0..<h {
      let total = dh[k] + (dy?[k] ?? 0)
      let (r, z, candidate, hn) = (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k])
      let dCandidate = total * (1 - z) * (1 - candidate * candidate)
      let dr = dCandidate * hn * r * (1 - r)
      let dz = total * (previousHidden[k] - candidate) * z * (1 - z)
      dInput[k] = dr
      dInput[h + k] = dz
      dInput[2 * h + k] = dCandidate
      dHidden[k] = dr
      dHidden[h + k] = dz
      dHidden[2 * h + k] = dCandidate * r
      dh[k] = total * z
    }
  case .rnnTanh:
    for k in 0..<h {
      let y = gates[k]
      dInput[k] = (dh[k] + (dy?[k] ?? 0)) * (1 - y * y)
      dh[k] = 0
    }
  case .rnnReLU:
    for k in 0..<h {
      dInput[k] = gates[k] > 0 ? dh[k] + (dy?[k] ?? 0) : 0
      dh[k] = 0
    }
  }
}
