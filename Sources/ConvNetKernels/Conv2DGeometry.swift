/// The shape of one 2-D convolution, NCHW: everything the kernels, layers, summaries and tests
/// need to agree on, with the output-size formula in one place.
///
/// Layouts (PyTorch):
/// - input  `[batch, inputChannels, inputHeight, inputWidth]`
/// - weight `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`
/// - bias   `[outputChannels]`
/// - output `[batch, outputChannels, outputHeight, outputWidth]`
///
/// Output size, per axis (integer division, i.e. floor for the valid non-negative case):
///
///     outputHeight = (inputHeight + paddingTop + paddingBottom
///                     − dilationHeight · (kernelHeight − 1) − 1) / strideHeight + 1
///
/// and the same for the width with left/right padding. Padding may be asymmetric: PyTorch's
/// `padding="same"` with an even kernel puts the extra row/column at the bottom/right (see
/// `samePadding(kernel:dilation:)`). Convolution is cross-correlation, as in every framework.
public struct Conv2DGeometry: Equatable, Sendable {
  public var batch: Int
  public var inputChannels: Int
  public var inputHeight: Int
  public var inputWidth: Int
  public var outputChannels: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  /// Stride, padding per side, dilation and groups: what a layer fixes when it is made; the
  /// sizes above are this call's. The properties below read and write it.
  public var settings: Conv2DSettings

  public var strideHeight: Int {
    get { settings.strideHeight }
    set { settings.strideHeight = newValue }
  }
  public var strideWidth: Int {
    get { settings.strideWidth }
    set { settings.strideWidth = newValue }
  }
  public var paddingTop: Int {
    get { settings.paddingTop }
    set { settings.paddingTop = newValue }
  }
  public var paddingBottom: Int {
    get { settings.paddingBottom }
    set { settings.paddingBottom = newValue }
  }
  public var paddingLeft: Int {
    get { settings.paddingLeft }
    set { settings.paddingLeft = newValue }
  }
  public var paddingRight: Int {
    get { settings.paddingRight }
    set { settings.paddingRight = newValue }
  }
  public var dilationHeight: Int {
    get { settings.dilationHeight }
    set { settings.dilationHeight = newValue }
  }
  public var dilationWidth: Int {
    get { settings.dilationWidth }
    set { settings.dilationWidth = newValue }
  }
  /// Input and output channels are split into this many independent groups; each output
  /// channel sees `inputChannels / groups` input channels. `groups == inputChannels ==
  /// outputChannels` is a depthwise convolution.
  public var groups: Int {
    get { settings.groups }
    set { settings.groups = newValue }
  }

  /// A convolution with every parameter given per side (asymmetric padding allowed).
  public init(
    batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int, outputChannels: Int,
    kernelHeight: Int, kernelWidth: Int, strideHeight: Int = 1, strideWidth: Int = 1,
    paddingTop: Int = 0, paddingBottom: Int = 0, paddingLeft: Int = 0, paddingRight: Int = 0,
    dilationHeight: Int = 1, dilationWidth: Int = 1, groups: Int = 1
  ) {
    self.batch = batch
    self.inputChannels = inputChannels
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    self.outputChannels = outputChannels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    settings = Conv2DSettings(
      strideHeight: strideHeight, strideWidth: strideWidth, paddingTop: paddingTop,
      paddingBottom: paddingBottom, paddingLeft: paddingLeft, paddingRight: paddingRight,
      dilationHeight: dilationHeight, dilationWidth: dilationWidth, groups: groups)
  }

  /// A square-kernel convolution with the same stride, symmetric padding and dilation on both
  /// axes: `outputHeight = (inputHeight + 2·padding − dilation·(kernelSize − 1) − 1) / stride + 1`.
  public init(
    batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int, outputChannels: Int,
    kernelSize: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
  ) {
    self.init(
      batch: batch, inputChannels: inputChannels, inputHeight: inputHeight,
      inputWidth: inputWidth, outputChannels: outputChannels, kernelHeight: kernelSize,
      kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride, paddingTop: padding,
      paddingBottom: padding, paddingLeft: padding, paddingRight: padding,
      dilationHeight: dilation, dilationWidth: dilation, groups: groups)
  }

  /// `(inputHeight + paddingTop + paddingBottom − dilationHeight·(kernelHeight − 1) − 1)
  /// / strideHeight + 1`; zero when the (padded) input is smaller than the kernel.
  public var outputHeight: Int {
    Conv2DGeometry.outputSize(
      input: inputHeight, padding: paddingTop + paddingBottom, kernel: kernelHeight,
      stride: strideHeight, dilation: dilationHeight)
  }

  /// `(inputWidth + paddingLeft + paddingRight − dilationWidth·(kernelWidth − 1) − 1)
  /// / strideWidth + 1`; zero when the (padded) input is smaller than the kernel.
  public var outputWidth: Int {
    Conv2DGeometry.outputSize(
      input: inputWidth, padding: paddingLeft + paddingRight, kernel: kernelWidth,
      stride: strideWidth, dilation: dilationWidth)
  }

  /// Elements of the weight:
  /// `outputChannels · (inputChannels / groups) · kernelHeight · kernelWidth`.
  public var weightCount: Int {
    outputChannels * (inputChannels / max(groups, 1)) * kernelHeight * kernelWidth
  }

  /// Elements of the input: `batch · inputChannels · inputHeight · inputWidth`.
  public var inputCount: Int { batch * inputChannels * inputHeight * inputWidth }

  /// Elements of the output: `batch · outputChannels · outputHeight · outputWidth`.
  public var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }

  /// The sizes the im2col + GEMM kernels work with, in their letter legend (see Conv2D.swift):
  /// channels per group CG and OCG, the GEMM depth K = CG·kH·kW (one weight row), the input
  /// plane HW = H·W and the output plane P = OH·OW.
  var gemmSizes: (CG: Int, OCG: Int, K: Int, HW: Int, P: Int) {
    let (CG, OCG) = (inputChannels / groups, outputChannels / groups)
    return (
      CG, OCG, CG * kernelHeight * kernelWidth, inputHeight * inputWidth,
      outputHeight * outputWidth
    )
  }

  /// True when every output channel reads exactly its own input channel
  /// (`groups == inputChannels == outputChannels`, which includes the one-channel-in,
  /// one-channel-out case); such convolutions use the direct depthwise kernels.
  public var isDepthwise: Bool { groups == inputChannels && groups == outputChannels }

  /// True for a 1×1, stride-1, unpadded convolution: the input image already is the im2col
  /// matrix, so the kernels multiply it directly.
  var isPointwise: Bool {
    kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
      && paddingTop == 0 && paddingBottom == 0 && paddingLeft == 0 && paddingRight == 0
  }

  /// A readable description of what is wrong with this geometry, or nil when it is usable.
  public func validate() -> String? {
    let positives = [
      ("batch", batch), ("inputChannels", inputChannels), ("inputHeight", inputHeight),
      ("inputWidth", inputWidth), ("outputChannels", outputChannels),
      ("kernelHeight", kernelHeight), ("kernelWidth", kernelWidth),
      ("strideHeight", strideHeight), ("strideWidth", strideWidth),
      ("dilationHeight", dilationHeight), ("dilationWidth", dilationWidth), ("groups", groups),
    ]
    for (name, value) in positives where value <= 0 {
      return "Conv2D: \(name) must be positive, got \(value)"
    }
    let paddings = [
      ("paddingTop", paddingTop), ("paddingBottom", paddingBottom),
      ("paddingLeft", paddingLeft), ("paddingRight", paddingRight),
    ]
    for (name, value) in paddings where value < 0 {
      return "Conv2D: \(name) must not be negative, got \(value)"
    }
    if inputChannels % groups != 0 {
      return "Conv2D: inputChannels \(inputChannels) is not divisible by groups \(groups)"
    }
    if outputChannels % groups != 0 {
      return "Conv2D: outputChannels \(outputChannels) is not divisible by groups \(groups)"
    }
    if outputHeight <= 0 || outputWidth <= 0 {
      return "Conv2D: output size \(outputHeight)×\(outputWidth) is empty — input "
        + "\(inputHeight)×\(inputWidth) with padding (top \(paddingTop), bottom \(paddingBottom), "
        + "left \(paddingLeft), right \(paddingRight)) is smaller than the dilated kernel "
        + "\(dilationHeight * (kernelHeight - 1) + 1)×\(dilationWidth * (kernelWidth - 1) + 1)"
    }
    return nil
  }

  /// The padding PyTorch uses for `padding="same"` (stride 1 only): the total
  /// `dilation·(kernel − 1)` split with the smaller half before and the extra one after
  /// (bottom/right), so that `outputSize == inputSize`.
  public static func samePadding(kernel: Int, dilation: Int = 1) -> (before: Int, after: Int) {
    let total = dilation * (kernel - 1)
    return (before: total / 2, after: total - total / 2)
  }

  /// One axis of the output-size formula. Negative numerators are floored so that an empty
  /// output never shows up as size 1.
  static func outputSize(input: Int, padding: Int, kernel: Int, stride: Int, dilation: Int)
    -> Int
  {
    let span = input + padding - dilation * (kernel - 1) - 1
    guard stride > 0 else { return 0 }
    return span < 0 ? 0 : span / stride + 1
  }
}
