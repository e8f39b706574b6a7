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
  if lstmStepsFuse(layout, microKernel) {
    lstmForwardFused(
      input: input, weights: weights, initialHidden: initialHidden, initialCell: initialCell!,
      output: output, finalHidden: finalHidden, finalCell: finalCell!, saved: saved, layout: layout,
      microKernel: microKernel)
    return
  }
  // All steps' input projections at once, into the first G·H columns of the saved gate rows.
  gemm(
    transposeA: false, transposeB: true, m: layout.rows, n: width, k: layout.inputSize, alpha: 1,
    a: input, lda: layout.inputSize, b: weights.inputWeight, ldb: layout.inputSize, beta: 0,
    c: saved, ldc: savedWidth, bias: weights.inputBias, biasAlongRows: false, relu: false,
    microKernel: microKernel)
  let packedCount = packedGemmOperandCount(m: width, k: h)
  ScratchPool.withBuffer(count: batch * (3 * h + 2 * width) + packedCount) { scratch in
    let hidden = scratch  // [N, H]
    let cell = hidden + batch * h  // [N, H]
    let hiddenByUnit = cell + batch * h  // hᵀ [H, N]: the GEMM's right-hand side
    let gatesByUnit = hiddenByUnit + batch * h  // (W_hh h + b_hh)ᵀ [G·H, N]
    let hiddenGates = gatesByUnit + batch * width  // the same, [N, G·H]
    let packedWeight = hiddenGates + batch * width
    // W_hh is the left operand of every step's GEMM: packed once for the whole sequence.
    packGemmOperand(transposeA: false, m: width, k: h, a: weights.hiddenWeight, lda: h, into: packedWeight)
    hidden.update(from: initialHidden, count: batch * h)
    if hasCell { cell.update(from: initialCell!, count: batch * h) }
    transpose(hidden, rows: batch, columns: h, into: hiddenByUnit)
    for index in 0..<layout.steps {
      let t = layout.time(ofStep: index)
      // (W_hh h + b_hh)ᵀ = W_hh · hᵀ (+ b_hh per row) for the whole batch.
      packedGemmInRowSlabs(
        m: width, n: batch, k: h, packedA: packedWeight, b: hiddenByUnit, c: gatesByUnit,
        bias: weights.hiddenBias, microKernel: microKernel)
      parallelChunks(batch, minimumChunk: max(1, 4096 / (width + 1))) { sequences in
        for n in sequences {
          let row = hiddenGates + n * width
          for j in 0..<width { row[j] = gatesByUnit[j * batch + n] }
          recurrentStepForward(
            t: t, sequence: n, hiddenGates: row, hidden: hidden + n * h,
            cell: hasCell ? cell + n * h : nil, output: output, saved: saved, layout: layout,
            microKernel: microKernel)
          for k in 0..<h { hiddenByUnit[k * batch + n] = hidden[n * h + k] }
        }
      }
    }
    finalHidden.update(from: hidden, count: batch * h)
    if hasCell { finalCell!.update(from: cell, count: batch * h) }
  }
}

/// C = A · B (+ bias per row of C) for A packed by `packGemmOperand` (m×k), B stored k×n
/// (ldb = n) and C m×n (ldc = n), cut into one slab of rows per thread on register-tile
/// boundaries (each slab's panels start at `packedA + firstRow·k`).
func packedGemmInRowSlabs(
  m: Int, n: Int, k: Int, packedA: UnsafePointer<Float>, b: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, microKernel: GemmMicroKernel
) {
  let tiles = (m + GemmTuning.tileRows - 1) / GemmTuning.tileRows
  let chunks = min(GemmTuning.threadCount(m: m, n: n, k: k), tiles)
  parallelFor(chunks) { chunk in
    let first = min(m, tiles * chunk / chunks * GemmTuning.tileRows)
    let end = min(m, tiles * (chunk + 1) / chunks * GemmTuning.tileRows)
    if first == end { return }
    gemmPacked(
      m: end - first, n: n, k: k, packedA: packedA + first * k, b: b, ldb: n, beta: 0,
      c: c + first * n, ldc: n, bias: bias.map { $0 + first }, microKernel: microKernel)
  }
}

/// into[j, i] = matrix[i, j] for a rows × columns matrix.
private func transpose(
  _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into result: UnsafeMutablePointer<Float>
) {
  for i in 0..<rows {
    for j in 0..<columns { result[j * rows + i] = matrix[i * columns + j] }
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
  if lstmStepsFuse(layout, microKernel) {
    lstmBackwardFused(
      input: input, weights: weights, saved: saved, gradOutput: gradOutput, gradFinalHidden: gradFinalHidden,
      gradFinalCell: gradFinalCell, gradInput: gradInput, accumulateGradInput: accumulateGradInput,
      gradInitialHidden: gradInitialHidden, gradInitialCell: gradInitialCell!, gradWeights: gradWeights,
      layout: layout, microKernel: microKernel)
    return
  }
  let packedCount = packedGemmOperandCount(m: h, k: width)
  let scratchCount = rows * width * (separateHiddenSide ? 2 : 1) + 3 * batch * h + batch * width + packedCount
  ScratchPool.withBuffer(count: scratchCount) { scratch in
    // Gradients of the pre-activations, per row: of W_ih x + b_ih and of W_hh h + b_hh (the
    // same buffer except for GRU, whose reset gate scales the hidden side of the n block).
    let inputSide = scratch
    let hiddenSide = separateHiddenSide ? scratch + rows * width : inputSide
    let dh = scratch + rows * width * (separateHiddenSide ? 2 : 1)  // [N, H]
    let dc = dh + batch * h  // [N, H]
    let throughWeight = dc + batch * h  // (W_hhᵀ · step gradient)ᵀ, [H, N]
    let stepGradient = throughWeight + batch * h  // this step's hidden-side gradient, [G·H, N]
    let packedWeight = stepGradient + batch * width
    // W_hhᵀ is the left operand of every step's GEMM: packed once for the whole sequence.
    packGemmOperand(transposeA: true, m: h, k: width, a: weights.hiddenWeight, lda: h, into: packedWeight)
    if let gradFinalHidden { dh.update(from: gradFinalHidden, count: batch * h) } else {
      dh.update(repeating: 0, count: batch * h)
    }
    if let gradFinalCell, hasCell { dc.update(from: gradFinalCell, count: batch * h) } else {
      dc.update(repeating: 0, count: batch * h)
    }
    throughWeight.update(repeating: 0, count: batch * h)
    for index in stride(from: layout.steps - 1, through: 0, by: -1) {
      let t = layout.time(ofStep: index)
      parallelChunks(batch, minimumChunk: max(1, 4096 / (width + 1))) { sequences in
        for n in sequences {
          // dh = what came directly + what came through W_hh from the later step.
          for k in 0..<h { dh[n * h + k] += throughWeight[k * batch + n] }
          recurrentStepBackward(
            t: t, sequence: n, gradOutput: gradOutput, dh: dh + n * h, dc: dc + n * h,
            inputSide: inputSide, hiddenSide: hiddenSide, saved: saved, layout: layout,
            microKernel: microKernel)
          let row = hiddenSide + layout.row(step: t, sequence: n) * width
          for j in 0..<width { stepGradient[j * batch + n] = row[j] }
        }
      }
      // (W_hhᵀ · the step's hidden-side gradient)ᵀ: reaches the previous state's dh.
      packedGemmInRowSlabs(
        m: h, n: batch, k: width, packedA: packedWeight, b: stepGradient, c: throughWeight,
        bias: nil, microKernel: microKernel)
    }
    for n in 0..<batch {
      for k in 0..<h { dh[n * h + k] += throughWeight[k * batch + n] }
    }
    gradInitialHidden.update(from: dh, count: batch * h)
    if hasCell { gradInitialCell!.update(from: dc, count: batch * h) }

    recurrentParameterGradients(
      input: input, weights: weights, saved: saved, inputSide: inputSide, hiddenSide: hiddenSide,
      gradInput: gradInput, accumulateGradInput: accumulateGradInput, gradWeights: gradWeights,
      layout: layout, microKernel: microKernel)
  }
}

/// The parameter gradients (sums over all T·N rows, one GEMM each) and the input gradient, from
/// the gradients of each row's pre-activations: `inputSide` of W_ih x + b_ih, `hiddenSide` of
/// W_hh h + b_hh (the same buffer except for GRU). `gateGradientSums`: their column sums when
/// the caller has them already (one buffer for both sides), else nil.
func recurrentParameterGradients(
  input: UnsafePointer<Float>, weights: RecurrentWeights, saved: UnsafePointer<Float>,
  inputSide: UnsafePointer<Float>, hiddenSide: UnsafePointer<Float>,
  gateGradientSums: UnsafePointer<Float>? = nil, gradInput: UnsafeMutablePointer<Float>?,
  accumulateGradInput: Bool, gradWeights: RecurrentWeightGradients, layout: RecurrentLayout,
  microKernel: GemmMicroKernel
) {
  let h = layout.hiddenSize
  let width = layout.gateWidth
  let rows = layout.rows
  let separateHiddenSide = inputSide != hiddenSide
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
  if let gateGradientSums {
    gradWeights.inputBias?.update(from: gateGradientSums, count: width)
    gradWeights.hiddenBias?.update(from: gateGradientSums, count: width)
  } else {
    if let bias = gradWeights.inputBias { sumRows(inputSide, rows: rows, columns: width, into: bias) }
    if let bias = gradWeights.hiddenBias {
      if let inputBias = gradWeights.inputBias, !separateHiddenSide {
        bias.update(from: inputBias, count: width)  // the same sums (one buffer for both sides)
      } else {
        sumRows(hiddenSide, rows: rows, columns: width, into: bias)
      }
    }
  }
  if let gradInput {
    gemm(
      transposeA: false, transposeB: false, m: rows, n: layout.inputSize, k: width, alpha: 1,
      a: inputSide, lda: width, b: weights.inputWeight, ldb: layout.inputSize,
      beta: accumulateGradInput ? 1 : 0, c: gradInput, ldc: layout.inputSize,
      bias: nil, biasAlongRows: false, relu: false, microKernel: microKernel)
  }
}

/// column j of `into` = Σ over rows of matrix[row, j] (rows added in order; columns split over
/// threads).
private func sumRows(
  _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
) {
  parallelChunks(columns, minimumChunk: max(16, 65_536 / max(1, rows))) { part in
    (sums + part.lowerBound).update(repeating: 0, count: part.count)
    for row in 0..<rows {
      let values = matrix + row * columns
      for j in part { sums[j] += values[j] }
    }
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
