import CConvNetKernels
import Synchronization

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
//
// A small image at a batch smaller than the thread count (MobileNetV2's 7×7 and 14×14 stages at
// batch 1) cannot be cut into bands for every thread without recomputing many halo rows. There the block runs image by image in two parallel steps instead: the hidden
// channels split among the threads (each expands its channels over the whole image and runs
// their depthwise into one shared buffer — a 960×7×7 one is 188 KB), then the projection's
// output channels split among them. Both steps are balanced whatever the channel counts, where
// the layers one by one (four parallel loops, the depthwise of a 7×7 plane on one thread) left
// the second thread idle for a third of the batch-1 time.
//
// Items (bands, channel slices) are claimed one at a time from a shared counter, so a thread
// that the machine's other work slowed down takes fewer of them; every item writes its own part
// of the output, so the result does not depend on who ran it — nor on the schedule: each output
// value is summed by the same micro-kernel over the same depth blocks whichever band or slice
// it falls in.

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

/// How `invertedResidualForward` spreads a block's work over threads.
public enum InvertedResidualSchedule: Equatable, Sendable {
  /// Bands of output rows, `perImage` per image; one thread expands, filters and projects a band.
  case bands(perImage: Int)
  /// Image by image: the hidden channels split among the threads (expansion and depthwise),
  /// then the output channels (projection). For small images at a batch smaller than the
  /// thread count, where bands would be too thin.
  case channels
}

extension InvertedResidualConvolutions {
  /// How `invertedResidualForward` runs an input of `shape` with `threads` threads, or nil when
  /// the block does not take it (`outputShape(input:)`).
  public func schedule(input shape: [Int], threads: Int) -> InvertedResidualSchedule? {
    guard let outputShape = outputShape(input: shape) else { return nil }
    let (N, W, OH, OW) = (shape[0], shape[3], outputShape[2], outputShape[3])
    // The expanded rows and the depthwise output of a band within ~1 MiB (half the L2).
    let budget = 256 * 1024
    let rowsInBudget = max(1, budget / max(1, hiddenChannels * (stride * W + OW)))
    var bands = (OH + rowsInBudget - 1) / rowsInBudget
    if N < threads {  // enough bands per image to go round the threads
      let perImage = (threads + N - 1) / N
      bands = (bands + perImage - 1) / perImage * perImage
      if OH / bands < Self.minimumBandRows { return .channels }
    }
    return .bands(perImage: min(bands, OH))
  }

  /// Bands thinner than this (at a batch smaller than the thread count) recompute too many
  /// halo rows — 7-row bands of a 14×14 image expand 16 rows for 14 — so the block is split by
  /// channels instead, which recomputes nothing for one more fork–join.
  static let minimumBandRows = 8

  /// The bands per image of `schedule(input:threads:)`, nil when it is not by bands.
  public func bandsPerImage(input shape: [Int], threads: Int) -> Int? {
    if case .bands(let perImage) = schedule(input: shape, threads: threads) { return perImage }
    return nil
  }
}

/// The inverted residual block `output = project(dw(expand(input))) [+ input]` for inference
/// (see the top of this file), with each convolution's bias and activation; the input is added
/// when `addingInput` (stride 1 and as many output channels as input channels). Returns false,
/// writing nothing, when the block should run layer by layer instead (not a shape
/// `outputShape(input:)` accepts).
///
/// `threads` is the thread count the work is planned for (`schedule(input:threads:)`); it runs
/// on the thread pool whatever it is, and its result does not depend on it.
///
/// Shapes: input `[N, C, H, W]`; output `block.outputShape(input:)`.
@discardableResult
public func invertedResidualForward(
  _ block: InvertedResidualConvolutions, input: UnsafePointer<Float>, shape: [Int],
  addingInput: Bool, output: UnsafeMutablePointer<Float>, threads: Int = Parallelism.threadCount
) -> Bool {
  guard let outputShape = block.outputShape(input: shape),
    !addingInput || outputShape[1...] == shape[1...],
    let schedule = block.schedule(input: shape, threads: threads)
  else { return false }
  let run = InvertedResidualRun(
    block: block, input: input, shape: shape, outputShape: outputShape, addingInput: addingInput,
    output: output)
  switch schedule {
  case .bands(let perImage): run.byBands(perImage, threads: threads)
  case .channels: run.byChannels(threads: threads)
  }
  return true
}

/// One call of `invertedResidualForward`: its operands and sizes, and the two schedules.
private struct InvertedResidualRun {
  let block: InvertedResidualConvolutions
  let input: UnsafePointer<Float>
  let output: UnsafeMutablePointer<Float>
  let addingInput: Bool
  let (N, C, H, W): (Int, Int, Int, Int)
  let (hidden, out, s, OH, OW): (Int, Int, Int, Int, Int)
  let (HW, P): (Int, Int)
  let expandWeight: AlignedFloats?
  let expandBias: UnsafePointer<Float>?
  let depthwiseWeight: AlignedFloats
  let depthwiseBias: UnsafePointer<Float>?
  let projectWeight: AlignedFloats
  let projectBias: UnsafePointer<Float>?
  let level: Int32

  init(
    block: InvertedResidualConvolutions, input: UnsafePointer<Float>, shape: [Int],
    outputShape: [Int], addingInput: Bool, output: UnsafeMutablePointer<Float>
  ) {
    self.block = block
    self.input = input
    self.output = output
    self.addingInput = addingInput
    (N, C, H, W) = (shape[0], shape[1], shape[2], shape[3])
    (hidden, out, s) = (block.hiddenChannels, block.outputChannels, block.stride)
    (OH, OW) = (outputShape[2], outputShape[3])
    (HW, P) = (H * W, OH * OW)
    expandWeight = block.expand?.packedGEMMWeight
    expandBias = block.expand?.biasValues
    depthwiseWeight = block.depthwise.plainWeight
    depthwiseBias = block.depthwise.biasValues
    projectWeight = block.project.packedGEMMWeight
    projectBias = block.project.biasValues
    level = GemmTuning.simdLevel
  }

  /// Each band of output rows of each image by one thread.
  func byBands(_ bands: Int, threads: Int) {
    let maximumRows = (OH + bands - 1) / bands
    let maximumInputRows = min(H, (maximumRows - 1) * s + 3)
    let expandedCount = expandWeight == nil ? 0 : hidden * maximumInputRows * W
    let depthwiseCount = hidden * maximumRows * OW
    let scratchCount = expandedCount + depthwiseCount + cn_depthwise3x3_scratch_count(W)
    forEachItem(N * bands, threads: threads, scratch: scratchCount) { item, scratch in
      let expanded = scratch
      let depthwiseOut = scratch + expandedCount
      let kernelWork = depthwiseOut + depthwiseCount
      let (n, band) = (item / bands, item % bands)
      let (o0, o1) = (OH * band / bands, OH * (band + 1) / bands)
      if o0 == o1 { return }
      let image = input + n * C * HW
      // Input rows the band's depthwise reads, clipped to the image.
      let (i0, i1) = (max(0, o0 * s - 1), min(H, (o1 - 1) * s + 2))
      var depthwiseInput = image
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

  /// Image by image: slices of the hidden channels (expansion over the whole image, then their
  /// depthwise into a shared buffer), then slices of the output channels (projection). Slices
  /// are whole register-tile rows (the packed weights are cut at panel boundaries), about two
  /// per thread so that a slowed thread can take fewer.
  func byChannels(threads: Int) {
    let tile = GemmTuning.tileRows
    func slices(_ rows: Int) -> Int {
      let panels = (rows + tile - 1) / tile
      return max(1, min(panels, 2 * threads))
    }
    func slice(_ index: Int, of count: Int, rows: Int) -> Range<Int> {
      let panels = (rows + tile - 1) / tile
      return min(rows, panels * index / count * tile)..<min(rows, panels * (index + 1) / count * tile)
    }
    let (hiddenSlices, outputSlices) = (slices(hidden), slices(out))
    let sliceRows = ((hidden + tile - 1) / tile + hiddenSlices - 1) / hiddenSlices * tile
    let expandedCount = expandWeight == nil ? 0 : sliceRows * HW
    let scratchCount = expandedCount + cn_depthwise3x3_scratch_count(W)
    ScratchPool.withBuffer(count: hidden * P) { depthwiseOut in
      for n in 0..<N {
        let image = input + n * C * HW
        forEachItem(hiddenSlices, threads: threads, scratch: scratchCount) { index, scratch in
          let rows = slice(index, of: hiddenSlices, rows: hidden)
          if rows.isEmpty { return }
          var depthwiseInput = image + rows.lowerBound * HW
          if let expandWeight {
            cn_sgemm_packed_fused(
              level, rows.count, HW, C, expandWeight.pointer + rows.lowerBound * C, image, HW,
              scratch, HW, expandBias.map { $0 + rows.lowerBound },
              block.expandActivation.rawValue, nil, 0)
            depthwiseInput = UnsafePointer(scratch)
          }
          cn_depthwise3x3_rows(
            depthwiseInput, HW, 0, H, W, s, depthwiseWeight.pointer + 9 * rows.lowerBound,
            depthwiseBias.map { $0 + rows.lowerBound }, block.depthwiseActivation.rawValue,
            rows.count, 0, OH, depthwiseOut + rows.lowerBound * P, P, scratch + expandedCount)
        }
        forEachItem(outputSlices, threads: threads, scratch: 0) { index, _ in
          let rows = slice(index, of: outputSlices, rows: out)
          if rows.isEmpty { return }
          let offset = (n * out + rows.lowerBound) * P
          cn_sgemm_packed_fused(
            level, rows.count, P, hidden, projectWeight.pointer + rows.lowerBound * hidden,
            depthwiseOut, P, output + offset, P, projectBias.map { $0 + rows.lowerBound },
            FusedActivation.none.rawValue, addingInput ? image + rows.lowerBound * HW : nil, HW)
        }
      }
    }
  }
}

/// Runs `body(item, scratch)` for every item in 0..<count on up to `threads` threads, each
/// claiming the next item from a shared counter when it finishes one, with `scratch` floats of
/// workspace of its own.
private func forEachItem(
  _ count: Int, threads: Int, scratch: Int,
  _ body: (Int, UnsafeMutablePointer<Float>) -> Void
) {
  let next = Atomic<Int>(0)
  parallelFor(max(1, min(threads, count))) { _ in
    ScratchPool.withBuffer(count: max(1, scratch)) { buffer in
      while true {
        let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if item >= count { return }
        body(item, buffer)
      }
    }
  }
}
