/// The shape of one 2-D max or average pooling, NCHW, with PyTorch's output-size rule.
///
/// Layouts: input `[batch, channels, inputHeight, inputWidth]`,
/// output `[batch, channels, outputHeight, outputWidth]`.
///
/// Output size, per axis (PyTorch `pooling_output_shape`):
///
///     outputHeight = floor_or_ceil((inputHeight + 2·paddingHeight − kernelHeight)
///                                  / strideHeight) + 1
///
/// rounding up in `ceilMode`; and in ceil mode, when the last window would start inside the
/// right/bottom padding (`(outputHeight − 1)·strideHeight ≥ inputHeight + paddingHeight`), that
/// window is dropped (`outputHeight −= 1`). Padding may be at most half the kernel, as PyTorch
/// requires, so every window overlaps at least one real pixel.
public struct Pool2DGeometry: Equatable, Sendable {
  public var batch: Int
  public var channels: Int
  public var inputHeight: Int
  public var inputWidth: Int
  /// Window, stride, padding and rounding: what a layer fixes when it is made; the sizes above
  /// are this call's. The properties below read and write it.
  public var settings: Pool2DSettings

  public var kernelHeight: Int {
    get { settings.kernelHeight }
    set { settings.kernelHeight = newValue }
  }
  public var kernelWidth: Int {
    get { settings.kernelWidth }
    set { settings.kernelWidth = newValue }
  }
  public var strideHeight: Int {
    get { settings.strideHeight }
    set { settings.strideHeight = newValue }
  }
  public var strideWidth: Int {
    get { settings.strideWidth }
    set { settings.strideWidth = newValue }
  }
  public var paddingHeight: Int {
    get { settings.paddingHeight }
    set { settings.paddingHeight = newValue }
  }
  public var paddingWidth: Int {
    get { settings.paddingWidth }
    set { settings.paddingWidth = newValue }
  }
  /// Round the output size up instead of down, letting the last window hang past the edge.
  public var ceilMode: Bool {
    get { settings.ceilMode }
    set { settings.ceilMode = newValue }
  }

  /// A pooling with every parameter given per axis.
  public init(
    batch: Int, channels: Int, inputHeight: Int, inputWidth: Int, kernelHeight: Int,
    kernelWidth: Int, strideHeight: Int, strideWidth: Int, paddingHeight: Int = 0,
    paddingWidth: Int = 0, ceilMode: Bool = false
  ) {
    self.batch = batch
    self.channels = channels
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    settings = Pool2DSettings(
      kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight,
      strideWidth: strideWidth, paddingHeight: paddingHeight, paddingWidth: paddingWidth,
      ceilMode: ceilMode)
  }

  /// A square pooling window; `stride` defaults to the kernel size, as in PyTorch.
  public init(
    batch: Int, channels: Int, inputHeight: Int, inputWidth: Int, kernelSize: Int,
    stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false
  ) {
    self.init(
      batch: batch, channels: channels, inputHeight: inputHeight, inputWidth: inputWidth,
      kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride ?? kernelSize,
      strideWidth: stride ?? kernelSize, paddingHeight: padding, paddingWidth: padding,
      ceilMode: ceilMode)
  }

  /// `floor_or_ceil((inputHeight + 2·paddingHeight − kernelHeight) / strideHeight) + 1`, minus
  /// one in ceil mode when the last window would start in the padding.
  public var outputHeight: Int {
    Pool2DGeometry.outputSize(
      input: inputHeight, kernel: kernelHeight, stride: strideHeight, padding: paddingHeight,
      ceilMode: ceilMode)
  }

  /// `floor_or_ceil((inputWidth + 2·paddingWidth − kernelWidth) / strideWidth) + 1`, minus one
  /// in ceil mode when the last window would start in the padding.
  public var outputWidth: Int {
    Pool2DGeometry.outputSize(
      input: inputWidth, kernel: kernelWidth, stride: strideWidth, padding: paddingWidth,
      ceilMode: ceilMode)
  }

  /// Number of independent planes, `batch · channels`.
  public var planeCount: Int { batch * channels }

  /// Elements of the input: `batch · channels · inputHeight · inputWidth`.
  public var inputCount: Int { planeCount * inputHeight * inputWidth }

  /// Elements of the output: `batch · channels · outputHeight · outputWidth`.
  public var outputCount: Int { planeCount * outputHeight * outputWidth }

  /// A readable description of what is wrong with this geometry, or nil when it is usable.
  public func validate() -> String? {
    let positives = [
      ("batch", batch), ("channels", channels), ("inputHeight", inputHeight),
      ("inputWidth", inputWidth), ("kernelHeight", kernelHeight), ("kernelWidth", kernelWidth),
      ("strideHeight", strideHeight), ("strideWidth", strideWidth),
    ]
    for (name, value) in positives where value <= 0 {
      return "Pool2D: \(name) must be positive, got \(value)"
    }
    if paddingHeight < 0 || paddingWidth < 0 {
      return "Pool2D: padding must not be negative, got \(paddingHeight)×\(paddingWidth)"
    }
    if paddingHeight > kernelHeight / 2 || paddingWidth > kernelWidth / 2 {
      return "Pool2D: padding \(paddingHeight)×\(paddingWidth) must be at most half the kernel "
        + "\(kernelHeight)×\(kernelWidth)"
    }
    if outputHeight <= 0 || outputWidth <= 0 {
      return "Pool2D: output size \(outputHeight)×\(outputWidth) is empty — input "
        + "\(inputHeight)×\(inputWidth) with padding \(paddingHeight)×\(paddingWidth) is "
        + "smaller than the kernel \(kernelHeight)×\(kernelWidth)"
    }
    return nil
  }

  /// One axis of PyTorch's pooling output-size rule (see the type's documentation).
  static func outputSize(input: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool)
    -> Int
  {
    guard stride > 0 else { return 0 }
    let span = input + 2 * padding - kernel
    // A window larger than the padded input: floor mode has no output; ceil mode keeps one
    // window hanging past the edge, as PyTorch does (ceil(negative / stride) = 0, plus 1).
    if span < 0 && (!ceilMode || span <= -stride) { return 0 }
    if span < 0 { return input + padding > 0 ? 1 : 0 }
    var size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
    if ceilMode && (size - 1) * stride >= input + padding { size -= 1 }
    return size
  }
}

extension Pool2DGeometry {
  /// Runs `body(plane)` for every plane (n, c), the planes split over threads — the loop every
  /// pooling pass shares. The geometry must have been validated.
  @inline(__always)
  func forEachPlane(_ body: (_ plane: Int) -> Void) {
    forEachPoolingPlane(count: planeCount, planeSize: inputHeight * inputWidth, body)
  }

  /// The input rows of output row `oh`'s max-pooling window, clipped to the image (padding counts
  /// as −∞); never empty because padding ≤ kernel / 2.
  @inline(__always)
  func windowRows(_ oh: Int) -> Range<Int> {
    let start = oh * strideHeight - paddingHeight
    return max(start, 0)..<min(start + kernelHeight, inputHeight)
  }

  /// The input columns of output column `ow`'s max-pooling window, clipped to the image.
  @inline(__always)
  func windowColumns(_ ow: Int) -> Range<Int> {
    let start = ow * strideWidth - paddingWidth
    return max(start, 0)..<min(start + kernelWidth, inputWidth)
  }
}

/// Runs `body(plane)` for `count` independent planes of `planeSize` input pixels, split over
/// threads in chunks of about 32k pixels (`planesPerChunk`).
@inline(__always)
func forEachPoolingPlane(count: Int, planeSize: Int, _ body: (_ plane: Int) -> Void) {
  parallelChunks(count, minimumChunk: planesPerChunk(planeSize)) { planes in
    for plane in planes { body(plane) }
  }
}
