import CConvNetKernels

// MobileNetV2's inverted residual block — 1×1 expansion (+ ReLU6) → 3×3 depthwise (+ ReLU6) →
// 1×1 projection (+ the block's input) — as one inference kernel over bands of output rows.
//
// Run layer by layer, the block writes the expanded activation (6× the input's channels) to
// memory and reads it back twice: at batch 16 on the 112×112 stage that is 77 MB each way, and
// the largest tensors of the whole network. Here one thread takes one band of output rows of
// one image at a time: it expands just the input rows the band's depthwise reads (a GEMM whose
// B is those rows of the NCHW image in place — rows of a channel are contiguous, channels H·W
// apart — with bias and ReLU6 in a vector epilogue, pointwise_gemm.c), runs the depthwise
// kernel on that band (depthwise3x3.c; bias and ReLU6 fused), and projects it straight into the
// output rows (a GEMM with the bias and the shortcut in its epilogue). Bands are sized so that
// the expanded rows and the depthwise output stay in the core's L2; bands of one image overlap
// by the depthwise's halo (one or two expanded rows computed twice). The expanded tensor never exists whole, which
// is also what keeps the network's peak memory down. One parallel loop per block replaces the
// three GEMMs' and the depthwise's own.

/// The prepared convolutions of an inverted residual block (batch norms folded in): `expand`
/// `[hidden, C, 1, 1]` (nil when the expansion factor is 1), `depthwise` `[hidden, 1, 3, 3]`
/// (padding 1, stride 1 or 2), `project` `[out, hidden, 1, 1]`.
public struct InvertedResidualConvolutions: Sendable {
  public let expand: PreparedConv2D?
  public let depthwise: PreparedConv2D
  public let project: PreparedConv2D
  /// The activations after the expansion and after the depthwise convolution.
  public let expandActivation: FusedActivation
  public let depthwiseActivation: FusedActivation

  public init(
    expand: PreparedConv2D?, expandActivation: FusedActivation = .relu6,
    depthwise: PreparedConv2D, depthwiseActivation: FusedActivation = .relu6,
    project: PreparedConv2D
  ) {
    self.expand = expand
    self.expandActivation = expandActivation
    self.depthwise = depthwise
    self.depthwiseActivation = depthwiseActivation
    self.project = project
  }

  /// Channels after the expansion.
  public var hiddenChannels: Int { depthwise.weightShape[0] }
  /// Channels of the block's output.
  public var outputChannels: Int { project.weightShape[0] }
  public var stride: Int { depthwise.settings.strideHeight }

  /// The output shape for an input of `shape` `[N, C, H, W]`, or nil when the convolutions do
  /// not form a block this kernel runs on it (wrong ranks or channel counts, a 1×1 that is
  /// strided, padded or grouped, a depthwise that is not 3×3 / padding 1 / stride 1 or 2).
  public func outputShape(input shape: [Int]) -> [Int]? {
    guard shape.count == 4, shape.allSatisfy({ $0 > 0 }) else { return nil }
    let (N, C, H, W) = (shape[0], shape[1], shape[2], shape[3])
    let hidden = hiddenChannels
    func isPlainPointwise(_ p: PreparedConv2D, input: Int) -> Bool {
      let s = p.settings
      return p.weightShape == [p.weightShape[0], input, 1, 1] && s.groups == 1
        && s.strideHeight == 1 && s.strideWidth == 1 && s.dilationHeight == 1
        && s.dilationWidth == 1 && s.paddingTop == 0 && s.paddingBottom == 0
        && s.paddingLeft == 0 && s.paddingRight == 0
    }
    if let expand {
      guard isPlainPointwise(expand, input: C), expand.weightShape[0] == hidden else { return nil }
    } else if hidden != C {
      return nil
    }
    guard isPlainPointwise(project, input: hidden) else { return nil }
    let g = depthwise.geometry(input: [N, hidden, H, W])
    guard g.validate() == nil, g.isDepthwise3x3 else { return nil }
    return [N, outputChannels, g.outputHeight, g.outputWidth]
  }
}

extension InvertedResidualConvolutions {
  /// How many bands of output rows `invertedResidualForward` cuts each image of an input of
  /// `shape` into with `threads` threads, or nil when the block is better run layer by layer (a
  /// small image at a batch smaller than the thread count: bands thin enough to go round would
  /// recompute more halo rows than fusing saves).
  public func bandsPerImage(input shape: [Int], threads: Int) -> Int? {
    guard let outputShape = outputShape(input: shape) else { return nil }
    let (N, W, OH, OW) = (shape[0], shape[3], outputShape[2], outputShape[3])
    // The expanded rows and the depthwise output of a band within ~1 MiB (half the L2).
    let budget = 256 * 1024
    let rowsInBudget = max(1, budget / max(1, hiddenChannels * (stride * W + OW)))
    var bands = (OH + rowsInBudget - 1) / rowsInBudget
    if N < threads {  // enough bands per image to go round the threads
      let perImage = (threads + N - 1) / N
      bands = (bands + perImage - 1) / perImage * perImage
      if OH / bands < 4 { return nil }
    }
    return min(bands, OH)
  }
}

/// The inverted residual block `output = project(dw(expand(input))) [+ input]` for inference,
/// band by band (see the top of this file), with each convolution's bias and activation; the
/// input is added when `addingInput` (stride 1 and as many output channels as input channels).
/// Returns false, writing nothing, when the block should run layer by layer instead (not a
/// shape `outputShape(input:)` accepts, or a small image at a small batch).
///
/// `threads` is the thread count the bands are planned for (`bandsPerImage`); the work runs on
/// the thread pool whatever it is.
///
/// Shapes: input `[N, C, H, W]`; output `block.outputShape(input:)`.
@discardableResult
public func invertedResidualForward(
  _ block: InvertedResidualConvolutions, input: UnsafePointer<Float>, shape: [Int],
  addingInput: Bool, output: UnsafeMutablePointer<Float>, threads: Int = Parallelism.threadCount
) -> Bool {
  guard let outputShape = block.outputShape(input: shape),
    !addingInput || outputShape[1...] == shape[1...],
    let bands = block.bandsPerImage(input: shape, threads: threads)
  else { return false }
  let (N, C, H, W) = (shape[0], shape[1], shape[2], shape[3])
  let (hidden, out, s) = (block.hiddenChannels, block.outputChannels, block.stride)
  let (OH, OW) = (outputShape[2], outputShape[3])
  let (HW, P) = (H * W, OH * OW)
  let maximumRows = (OH + bands - 1) / bands
  let maximumInputRows = min(H, (maximumRows - 1) * s + 3)

  let expandWeight = block.expand?.packedGEMMWeight
  let expandBias = block.expand?.biasValues
  let depthwiseWeight = block.depthwise.plainWeight
  let depthwiseBias = block.depthwise.biasValues
  let projectWeight = block.project.packedGEMMWeight
  let projectBias = block.project.biasValues
  let level = GemmTuning.simdLevel
  let expandedCount = block.expand == nil ? 0 : hidden * maximumInputRows * W
  let depthwiseCount = hidden * maximumRows * OW
  let kernelScratch = cn_depthwise3x3_scratch_count(W)
  let scratchCount = expandedCount + depthwiseCount + kernelScratch

  parallelChunks(N * bands) { items in
    ScratchPool.withBuffer(count: scratchCount) { scratch in
      let expanded = scratch
      let depthwiseOut = scratch + expandedCount
      let kernelWork = depthwiseOut + depthwiseCount
      for item in items {
        let (n, band) = (item / bands, item % bands)
        let (o0, o1) = (OH * band / bands, OH * (band + 1) / bands)
        if o0 == o1 { continue }
        let image = input + n * C * HW
        // Input rows the band's depthwise reads, clipped to the image.
        let (i0, i1) = (max(0, o0 * s - 1), min(H, (o1 - 1) * s + 2))
        var depthwiseInput = UnsafePointer(image)
        var inputChannelStride = HW
        var firstRow = 0
        if let expandWeight {
          let columns = (i1 - i0) * W
          cn_sgemm_packed_fused(
            level, hidden, columns, C, expandWeight.pointer, image + i0 * W, HW, expanded,
            columns, expandBias, block.expandActivation.rawValue, nil, 0)
          (depthwiseInput, inputChannelStride, firstRow) = (UnsafePointer(expanded), columns, i0)
        }
        let columns = (o1 - o0) * OW
        cn_depthwise3x3_rows(
          depthwiseInput, inputChannelStride, firstRow, H, W, s, depthwiseWeight.pointer,
          depthwiseBias, block.depthwiseActivation.rawValue, hidden, o0, o1, depthwiseOut,
          columns, kernelWork)
        let offset = n * out * P + o0 * OW
        cn_sgemm_packed_fused(
          level, out, columns, hidden, projectWeight.pointer, depthwiseOut, columns,
          output + offset, P, projectBias, FusedActivation.none.rawValue,
          addingInput ? image + o0 * W : nil, HW)
      }
    }
  }
  return true
}
