import CConvNetKernels

// The LSTM's path at AVX-512: each time step is one kernel call per thread that computes the
// step's product with W_hh and applies the gates from registers (`lstm_steps_avx512.c`), instead
// of a GEMM into a [4H, N] buffer, two transposes and a separate epilogue with a second
// fork–join. Threads own disjoint blocks of 16 hidden units for the whole sequence, so the one
// fork–join per step is the only synchronisation, and each thread's slice of the packed W_hh
// stays in its core's cache. Same contracts as `recurrentForward` / `recurrentBackward`, which
// call these when `lstmStepsFuse` holds; the input projection, the weight gradients and the
// input gradient remain the whole-sequence GEMMs they are on every path.

/// Whether the fused LSTM steps run: an LSTM, and AVX-512 active (the tile holds 24 zmm
/// accumulators; below AVX-512 the GEMM + element-wise epilogue path runs).
func lstmStepsFuse(_ layout: RecurrentLayout, _ microKernel: GemmMicroKernel) -> Bool {
  layout.cell == .lstm && microKernel.simdLevel >= SIMDLevel.avx512.rawValue
}

/// Runs `body(firstBlock, endBlock)` over the blocks of `units` hidden units of hidden size `h`,
/// split over threads when a step has enough work to pay for waking them.
private func forEachBlockRange(h: Int, units: Int32, batch: Int, depth: Int, _ body: (Int, Int) -> Void) {
  let blocks = (h + Int(units) - 1) / Int(units)
  let threads = min(blocks, GemmTuning.threadCount(m: batch, n: 4 * h, k: depth))
  parallelFor(threads) { chunk in body(blocks * chunk / threads, blocks * (chunk + 1) / threads) }
}

private func withLengths<R>(_ layout: RecurrentLayout, _ body: (UnsafePointer<Int>?) -> R) -> R {
  guard let lengths = layout.lengths else { return body(nil) }
  return lengths.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// `recurrentForward` for an LSTM at AVX-512.
func lstmForwardFused(
  input: UnsafePointer<Float>, weights: RecurrentWeights, initialHidden: UnsafePointer<Float>,
  initialCell: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
  finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>,
  saved: UnsafeMutablePointer<Float>, layout: RecurrentLayout, microKernel: GemmMicroKernel
) {
  let h = layout.hiddenSize
  let batch = layout.batch
  let width = layout.gateWidth
  let state = batch * h
  let packedCount = cn_lstm_packed_hidden_weight_count(h)
  ScratchPool.withBuffer(count: width + 3 * state + packedCount) { scratch in
    let biasSum = scratch
    var hidden = biasSum + width
    var nextHidden = hidden + state
    let cell = nextHidden + state
    let packedWeight = cell + state
    // Both biases go into the input projection, so that the step adds only W_hh h.
    var bias: UnsafePointer<Float>?
    switch (weights.inputBias, weights.hiddenBias) {
    case let (inputBias?, hiddenBias?):
      for j in 0..<width { biasSum[j] = inputBias[j] + hiddenBias[j] }
      bias = UnsafePointer(biasSum)
    case let (inputBias, hiddenBias):
      bias = inputBias ?? hiddenBias
    }
    gemm(
      transposeA: false, transposeB: true, m: layout.rows, n: width, k: layout.inputSize, alpha: 1,
      a: input, lda: layout.inputSize, b: weights.inputWeight, ldb: layout.inputSize, beta: 0,
      c: saved, ldc: width, bias: bias, biasAlongRows: false, relu: false, microKernel: microKernel)
    cn_lstm_pack_hidden_weight_forward(h, weights.hiddenWeight, packedWeight)
    hidden.update(from: initialHidden, count: state)
    cell.update(from: initialCell, count: state)
    let rowStep = layout.batchFirst ? layout.steps : 1
    withLengths(layout) { lengths in
      for index in 0..<layout.steps {
        let t = layout.time(ofStep: index)
        let first = layout.row(step: t, sequence: 0)
        let step = cn_lstm_step(
          h: h, batch: batch, hidden: hidden, hidden_next: nextHidden, cell: cell,
          packed_weight: packedWeight, gates: saved + first * width, gate_stride: rowStep * width,
          output: output + first * layout.outputStride + layout.outputOffset,
          output_stride: rowStep * layout.outputStride,
          saved_hidden: saved + layout.savedPreviousHiddenOffset + first * h,
          saved_cell: saved + layout.savedPreviousCellOffset + first * h, state_stride: rowStep * h,
          lengths: lengths, t: t)
        withUnsafePointer(to: step) { step in
          forEachBlockRange(h: h, units: CN_LSTM_FORWARD_UNITS, batch: batch, depth: h) { cn_lstm_step_forward_avx512(step, $0, $1) }
        }
        swap(&hidden, &nextHidden)
      }
    }
    finalHidden.update(from: hidden, count: state)
    finalCell.update(from: cell, count: state)
  }
}

/// `recurrentBackward` for an LSTM at AVX-512.
func lstmBackwardFused(
  input: UnsafePointer<Float>, weights: RecurrentWeights, saved: UnsafePointer<Float>,
  gradOutput: UnsafePointer<Float>?, gradFinalHidden: UnsafePointer<Float>?,
  gradFinalCell: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  accumulateGradInput: Bool, gradInitialHidden: UnsafeMutablePointer<Float>,
  gradInitialCell: UnsafeMutablePointer<Float>, gradWeights: RecurrentWeightGradients,
  layout: RecurrentLayout, microKernel: GemmMicroKernel
) {
  let h = layout.hiddenSize
  let batch = layout.batch
  let width = layout.gateWidth
  let state = batch * h
  let packedCount = cn_lstm_packed_hidden_weight_count(h)
  ScratchPool.withBuffer(count: layout.rows * width + width + 2 * state + packedCount) { scratch in
    let gateGradients = scratch  // of the pre-activations, per row (input and hidden side alike)
    let gateGradientSums = gateGradients + layout.rows * width  // the bias gradient
    let dh = gateGradientSums + width
    let dc = dh + state
    let packedWeight = dc + state
    let hasBias = gradWeights.inputBias != nil || gradWeights.hiddenBias != nil
    gateGradientSums.update(repeating: 0, count: width)
    cn_lstm_pack_hidden_weight_backward(h, weights.hiddenWeight, packedWeight)
    if let gradFinalHidden { dh.update(from: gradFinalHidden, count: state) } else {
      dh.update(repeating: 0, count: state)
    }
    if let gradFinalCell { dc.update(from: gradFinalCell, count: state) } else {
      dc.update(repeating: 0, count: state)
    }
    let rowStep = layout.batchFirst ? layout.steps : 1
    withLengths(layout) { lengths in
      var previous: UnsafePointer<Float>? = nil
      func run(t: Int, into dGates: UnsafeMutablePointer<Float>?) {
        let first = layout.row(step: t, sequence: 0)
        let step = cn_lstm_step_gradient(
          h: h, batch: batch, d_previous: previous, packed_weight: packedWeight, dh: dh, dc: dc,
          dy: gradOutput.map { $0 + first * layout.outputStride + layout.outputOffset },
          output_stride: rowStep * layout.outputStride, gates: saved + first * width,
          gate_stride: rowStep * width, previous_cell: saved + layout.savedPreviousCellOffset + first * h,
          state_stride: rowStep * h, d_gates: dGates, d_bias: hasBias ? gateGradientSums : nil,
          lengths: lengths, t: t)
        withUnsafePointer(to: step) { step in
          forEachBlockRange(h: h, units: CN_LSTM_BACKWARD_UNITS, batch: batch, depth: width) { cn_lstm_step_backward_avx512(step, $0, $1) }
        }
      }
      for index in stride(from: layout.steps - 1, through: 0, by: -1) {
        let t = layout.time(ofStep: index)
        let dGates = gateGradients + layout.row(step: t, sequence: 0) * width
        run(t: t, into: dGates)
        previous = UnsafePointer(dGates)
      }
      run(t: layout.time(ofStep: 0), into: nil)  // dh₀: what reaches h₀ through W_hh
    }
    gradInitialHidden.update(from: dh, count: state)
    gradInitialCell.update(from: dc, count: state)
    recurrentParameterGradients(
      input: input, weights: weights, saved: saved, inputSide: gateGradients, hiddenSide: gateGradients,
      gateGradientSums: gateGradientSums, gradInput: gradInput, accumulateGradInput: accumulateGradInput,
      gradWeights: gradWeights, layout: layout, microKernel: microKernel)
  }
}
