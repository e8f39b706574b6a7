import CConvNetKernels
import Synchronization

/// The activation a fused convolution epilogue applies after the bias (and residual): the
/// `CN_ACTIVATION_*` codes of the C kernels.
public enum FusedActivation: Int32, Sendable, CaseIterable, CustomStringConvertible {
  case none = 0
  /// max(x, 0)
  case relu = 1
  /// min(max(x, 0), 6)
  case relu6 = 2
  /// x · relu6(x + 3) / 6
  case hardswish = 3

  public var description: String {
    switch self {
    case .none: "none"
    case .relu: "relu"
    case .relu6: "relu6"
    case .hardswish: "hardswish"
    }
  }
}

/// A convolution's weight (and bias) made ready once for many forward passes — inference,
/// where the weight does not change between calls. `conv2DForward` packs the weight into the
/// GEMM's panels, or transforms it for Winograd, on every call (at batch 1 on ResNet-18's last
/// layers that costs as much as the arithmetic); this keeps each prepared form after its first
/// use. The forward pass also takes a fused epilogue — `activation(conv + bias + residual)` —
/// which the GEMM and Winograd kernels apply to each tile while it is in cache, instead of
/// separate passes over the output.
///
/// The bias is copied at `init`; the weight is either copied too, or written on demand by a
/// closure whenever a prepared form is made (so that the weight — a batch norm folded into it by
/// the caller — need not be kept beside its packed forms: one copy of the weights less in
/// memory). Whoever holds a prepared convolution decides when it is stale (`ConvNetNN`'s
/// inference cache compares the parameters' storage versions before every call, so the closure
/// always sees the values the forms must have).
/// Thread-safe: the prepared forms are built once under a lock; forward passes may run at once.
public final class PreparedConv2D: Sendable {
  /// `[OC, C/groups, kH, kW]`.
  public let weightShape: [Int]
  public let settings: Conv2DSettings
  public let hasBias: Bool
  /// Writes the weight (`weightShape`, row-major) into its argument.
  private let writeWeight: @Sendable (UnsafeMutablePointer<Float>) -> Void
  private let bias: AlignedFloats?
  private let forms = Mutex<PreparedForms>(PreparedForms())

  /// The lazily made forms of the weight, each made on the first call whose plan needs it.
  private struct PreparedForms {
    /// The weight itself, for the algorithms that read it as it is (depthwise, gather and row
    /// tiles, stored im2col).
    var plain: AlignedFloats?
    /// Per group, `packGemmOperand` of its `[OC/G, K]` rows (implicit and pointwise GEMM).
    var packedGEMM: AlignedFloats?
    /// Winograd F(2×2, 3×3)'s 16 transformed, packed matrices.
    var winograd: AlignedFloats?
    /// Winograd F(4×4, 3×3)'s 36 transformed, packed matrices.
    var winogradF43: AlignedFloats?
  }

  /// Copies `weight` `[OC, C/groups, kH, kW]` (`weightShape`) and `bias` `[OC]` (optional).
  public convenience init(
    weight: UnsafePointer<Float>, weightShape: [Int], bias: UnsafePointer<Float>?,
    settings: Conv2DSettings
  ) {
    let copy = AlignedFloats(copying: weight, count: weightShape.reduce(1, *))
    self.init(weightShape: weightShape, bias: bias, settings: settings) { target in
      target.update(from: copy.pointer, count: copy.count)
    }
  }

  /// A prepared convolution whose weight `[OC, C/groups, kH, kW]` (`weightShape`) is written by
  /// `weight` into the buffer it is given each time a prepared form is made; `bias` `[OC]`
  /// (optional) is copied.
  public init(
    weightShape: [Int], bias: UnsafePointer<Float>?, settings: Conv2DSettings,
    weight: @escaping @Sendable (UnsafeMutablePointer<Float>) -> Void
  ) {
    precondition(weightShape.count == 4, "PreparedConv2D: weight shape \(weightShape) is not 4-D")
    self.weightShape = weightShape
    self.settings = settings
    writeWeight = weight
    self.bias = bias.map { AlignedFloats(copying: $0, count: weightShape[0]) }
    hasBias = bias != nil
  }

  private var weightCount: Int { weightShape.reduce(1, *) }

  /// Runs `body` on the weight: the plain form when it is held, else a temporary copy.
  private func withWeight<R>(_ forms: inout PreparedForms, _ body: (UnsafePointer<Float>) -> R) -> R {
    if let plain = forms.plain { return body(plain.pointer) }
    let temporary = AlignedFloats(count: weightCount)
    writeWeight(temporary.pointer)
    return body(temporary.pointer)
  }

  /// Floats held now: the weight, the bias and the prepared forms made so far.
  public var preparedFloatCount: Int {
    forms.withLock { forms in
      (forms.plain?.count ?? 0) + (bias?.count ?? 0) + (forms.packedGEMM?.count ?? 0)
        + (forms.winograd?.count ?? 0) + (forms.winogradF43?.count ?? 0)
    }
  }

  /// The geometry of a call on an input of `inputShape` `[N, C, H, W]`.
  public func geometry(input inputShape: [Int]) -> Conv2DGeometry {
    Conv2DGeometry(input: inputShape, weight: weightShape, settings: settings)
  }

  /// `output = activation(weight ⋆ input + bias + residual)` for `geometry` (made by
  /// `geometry(input:)` and valid): overwrites `output` `[N, OC, OH, OW]`; `residual`, when
  /// given, has the output's shape. The algorithm is `Conv2DPlan(geometry, preparedWeight: true)
  /// .forward` (as in `conv2DForward`, except that Winograd takes smaller batches); GEMM and Winograd plans use the prepared weight and fuse the epilogue,
  /// the others (depthwise, gather and row tiles, stored im2col) run their kernel and then one
  /// pass of `cn_epilogue_apply`.
  public func forward(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
    residual: UnsafePointer<Float>? = nil, activation: FusedActivation = .none
  ) {
    let plan = Conv2DPlan(g, preparedWeight: true)
    switch plan.forward {
    case .winograd:
      let u = winogradForm()
      winogradConvolve(
        input: input, transformedWeight: u.pointer, bias: bias?.pointer, activation: activation,
        residual: residual, output: output, batch: g.batch, channels: g.inputChannels,
        height: g.inputHeight, width: g.inputWidth, outputChannels: g.outputChannels,
        outputHeight: g.outputHeight, outputWidth: g.outputWidth, padTop: g.paddingTop,
        padLeft: g.paddingLeft)
    case .winogradF43:
      let u = winogradF43Form()
      winogradF43Convolve(
        input: input, transformedWeight: u.pointer, bias: bias?.pointer, activation: activation,
        residual: residual, output: output, geometry: g)
    case .implicitGEMM, .pointwiseGEMM:
      gemmForward(input: input, output: output, geometry: g, residual: residual, activation: activation)
    case .depthwise where g.isDepthwise3x3 && residual == nil:
      // Bias and activation in the kernel's own pass.
      depthwise3x3Forward(
        input: input, weight: plainForm().pointer, bias: bias?.pointer, activation: activation,
        output: output, geometry: g)
    default:
      let weight = plainForm()
      conv2DForward(input: input, weight: weight.pointer, bias: bias?.pointer, output: output, plan: plan)
      if residual != nil || activation != .none {
        applyEpilogue(output, count: g.outputCount, residual: residual, activation: activation)
      }
    }
  }

  /// Implicit-im2col GEMMs (1×1 convolutions too: their im2col matrix is the image) with the
  /// weight packed once, per image and group; the bias, residual and activation in the GEMM's
  /// epilogue.
  private func gemmForward(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry,
    residual: UnsafePointer<Float>?, activation: FusedActivation
  ) {
    let (N, C, OC, G) = (
      geometry.batch, geometry.inputChannels, geometry.outputChannels, geometry.groups
    )
    let (CG, OCG, K, HW, P) = geometry.gemmSizes
    let packed = gemmForm()
    let packedCount = packedGemmOperandCount(m: OCG, k: K)
    let perImageThreads = N < Parallelism.threadCount
    parallelChunks(N) { images in
      for n in images {
        for g in 0..<G {
          let offset = (n * OC + g * OCG) * P
          // (`a` is not read: the packed form is.)
          gemmIm2col(
            transposeB: false, m: OCG, n: P, k: K, a: packed.pointer, lda: K,
            image: input + (n * C + g * CG) * HW, channels: CG, geometry: geometry, beta: 0,
            c: output + offset, ldc: P, bias: bias.map { $0.pointer + g * OCG },
            packedA: packed.pointer + g * packedCount, parallel: perImageThreads,
            residual: residual.map { $0 + offset }, activation: activation)
        }
      }
    }
  }

  /// The weight packed for the GEMMs, made on first use: per group, panels of 6 rows packed in
  /// parallel (a 512×4608 weight is as much work as its batch-1 GEMM).
  private func gemmForm() -> AlignedFloats {
    forms.withLock { forms in
      if let packed = forms.packedGEMM { return packed }
      let (OC, G) = (weightShape[0], settings.groups)
      let OCG = OC / G
      let K = weightShape[1] * weightShape[2] * weightShape[3]
      let packedCount = packedGemmOperandCount(m: OCG, k: K)
      let packed = AlignedFloats(count: G * packedCount)
      let tile = GemmTuning.tileRows
      let panels = (OCG + tile - 1) / tile
      let target = packed.pointer
      withWeight(&forms) { w in
        parallelChunks(G * panels, minimumChunk: max(1, 32 * 1024 / (tile * K))) { range in
          for index in range {
            let (g, first) = (index / panels, index % panels * tile)
            packGemmOperand(
              transposeA: false, m: min(tile, OCG - first), k: K, a: w + (g * OCG + first) * K,
              lda: K, into: target + g * packedCount + first * K)
          }
        }
      }
      forms.packedGEMM = packed
      return packed
    }
  }

  /// Winograd's transformed weight, made on first use.
  private func winogradForm() -> AlignedFloats {
    forms.withLock { forms in
      if let u = forms.winograd { return u }
      let (OC, C) = (weightShape[0], weightShape[1])
      let u = AlignedFloats(
        count: winogradTransformedWeightCount(outputChannels: OC, inputChannels: C))
      withWeight(&forms) { w in
        transformWinogradWeights(
          w, outputChannels: OC, inputChannels: C, flip: false, into: u.pointer)
      }
      forms.winograd = u
      return u
    }
  }

  /// Winograd F(4×4, 3×3)'s transformed weight, made on first use.
  private func winogradF43Form() -> AlignedFloats {
    forms.withLock { forms in
      if let u = forms.winogradF43 { return u }
      let (OC, C) = (weightShape[0], weightShape[1])
      let u = AlignedFloats(
        count: winogradF43TransformedWeightCount(outputChannels: OC, inputChannels: C))
      withWeight(&forms) { w in
        transformWinogradF43Weights(w, outputChannels: OC, inputChannels: C, into: u.pointer)
      }
      forms.winogradF43 = u
      return u
    }
  }

  // The forms for kernels that chain several prepared convolutions (the fused inverted
  // residual block, `invertedResidualForward`).

  /// The weight packed for `cn_sgemm_packed`, per group (`packedGemmOperandCount` floats apart).
  var packedGEMMWeight: AlignedFloats { gemmForm() }
  /// The weight `weightShape` as it is.
  var plainWeight: AlignedFloats { plainForm() }
  /// The bias `[OC]`, or nil for none.
  var biasValues: UnsafePointer<Float>? { bias.map { UnsafePointer($0.pointer) } }

  /// The weight as it is, made on first use.
  private func plainForm() -> AlignedFloats {
    forms.withLock { forms in
      if let plain = forms.plain { return plain }
      let plain = AlignedFloats(count: weightCount)
      writeWeight(plain.pointer)
      forms.plain = plain
      return plain
    }
  }
}

/// `values = activation(values + residual)` over `count` floats, in parallel chunks.
func applyEpilogue(
  _ values: UnsafeMutablePointer<Float>, count: Int, residual: UnsafePointer<Float>?,
  activation: FusedActivation
) {
  let chunk = 16 * 1024
  parallelChunks((count + chunk - 1) / chunk, minimumChunk: 4) { range in
    let start = range.lowerBound * chunk
    let end = min(count, range.upperBound * chunk)
    cn_epilogue_apply(values + start, end - start, residual.map { $0 + start }, activation.rawValue)
  }
}

/// A 64-byte-aligned float buffer owned by a class, so that a prepared form can be handed out
/// (and kept alive) by reference.
final class AlignedFloats: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int

  init(count: Int) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  convenience init(copying source: UnsafePointer<Float>, count: Int) {
    self.init(count: count)
    pointer.update(from: source, count: count)
  }

  deinit { pointer.deallocate() }
}
