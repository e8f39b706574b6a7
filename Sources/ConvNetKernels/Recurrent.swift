import CConvNetKernels

// The recurrent kernels: one direction of one LSTM/GRU/RNN layer over whole sequences.
//
// Forward: the input projection of every time step is one GEMM (x·W_ihᵀ + b_ih for all T·N
// rows, written straight into the saved gate block); each step is then one GEMM h·W_hhᵀ + b_hh
// over the batch followed by an epilogue that adds the two, applies the gate nonlinearities and
// updates the state (`recurrentStepForward`). Backward: each step's epilogue turns dh (and dc)
// into the gradients of the pre-activations (`recurrentStepBackward`) and one GEMM sends them
// through W_hh to the previous state; the weight gradients, the bias gradients and the input
// gradient are then one GEMM (or one column sum) each over all steps.

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
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout, microKernel: GemmMicroKernel = .fastest
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
    c: saved, ldc: savedWidth, bias: weights.inputBias, biasAlongRows: false, relu: false,
    microKernel: microKernel)
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
        bias: weights.hiddenBias, biasAlongRows: false, relu: false, microKernel: microKernel)
      parallelChunks(batch, minimumChunk: max(1, 4096 / (width + 1))) { sequences in
        for n in sequences {
          recurrentStepForward(
            t: t, sequence: n, hiddenGates: hiddenGates + n * width, hidden: hidden + n * h,
            cell: hasCell ? cell + n * h : nil, output: output, saved: saved, layout: layout,
            microKernel: microKernel)
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
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout, microKernel: GemmMicroKernel
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
  let level = microKernel.simdLevel
  switch layout.cell {
  case .lstm:
    cn_lstm_step_forward(level, h, gates, hiddenGates, cell!, hidden, out)
  case .gru:
    cn_gru_step_forward(level, h, gates, hiddenGates, hidden, out)
  case .rnnTanh, .rnnReLU:
    cn_rnn_step_forward(level, h, layout.cell == .rnnReLU ? 1 : 0, gates, hiddenGates, hidden, out)
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
  layout: RecurrentLayout, microKernel: GemmMicroKernel = .fastest
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
            inputSide: inputSide, hiddenSide: hiddenSide, saved: saved, layout: layout,
            microKernel: microKernel)
        }
      }
      // dh_prev += (hidden-side gradient of this step) · W_hh.
      gemm(
        transposeA: false, transposeB: false, m: batch, n: h, k: width, alpha: 1,
        a: hiddenSide + layout.row(step: t, sequence: 0) * width,
        lda: width * layout.sequenceRowStride, b: weights.hiddenWeight, ldb: h, beta: 1,
        c: dh, ldc: h, bias: nil, biasAlongRows: false, relu: false,
        microKernel: microKernel)
    }
    gradInitialHidden.update(from: dh, count: batch * h)
    if hasCell { gradInitialCell!.update(from: dc, count: batch * h) }

    // The parameter gradients: sums over all T·N rows, one GEMM each.
    gemm(
      transposeA: true, transposeB: false, m: width, n: layout.inputSize, k: rows, alpha: 1,
      a: inputSide, lda: width, b: input, ldb: layout.inputSize, beta: 0,
      c: gradWeights.inputWeight, ldc: layout.inputSize,
      bias: nil, biasAlongRows: false, relu: false, microKernel: microKernel)
    gemm(
      transposeA: true, transposeB: false, m: width, n: h, k: rows, alpha: 1, a: hiddenSide,
      lda: width, b: saved + layout.savedPreviousHiddenOffset, ldb: h, beta: 0,
      c: gradWeights.hiddenWeight, ldc: h,
      bias: nil, biasAlongRows: false, relu: false, microKernel: microKernel)
    if let bias = gradWeights.inputBias { sumRows(inputSide, rows: rows, columns: width, into: bias) }
    if let bias = gradWeights.hiddenBias { sumRows(hiddenSide, rows: rows, columns: width, into: bias) }
    if let gradInput {
      gemm(
        transposeA: false, transposeB: false, m: rows, n: layout.inputSize, k: width, alpha: 1,
        a: inputSide, lda: width, b: weights.inputWeight, ldb: layout.inputSize,
        beta: accumulateGradInput ? 1 : 0, c: gradInput, ldc: layout.inputSize,
      bias: nil, biasAlongRows: false, relu: false, microKernel: microKernel)
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
  hiddenSide: UnsafeMutablePointer<Float>, saved: UnsafePointer<Float>, layout: RecurrentLayout,
  microKernel: GemmMicroKernel
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
  let level = microKernel.simdLevel
  switch layout.cell {
  case .lstm:
    cn_lstm_step_backward(
      level, h, gates, saved + layout.savedPreviousCellOffset + row * h, dy, dh, dc, dInput)
  case .gru:
    cn_gru_step_backward(
      level, h, gates, saved + layout.savedPreviousHiddenOffset + row * h, dy, dh, dInput, dHidden)
  case .rnnTanh, .rnnReLU:
    cn_rnn_step_backward(level, h, layout.cell == .rnnReLU ? 1 : 0, gates, dy, dh, dInput)
  }
}
