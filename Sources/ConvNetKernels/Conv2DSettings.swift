/// What a convolution fixes when it is made — stride, zero padding per side, dilation and
/// groups — as opposed to the shapes it is called with. Together with the shapes of one call's
/// input `[N, C, H, W]` and weight `[OC, C/groups, kH, kW]` (the kernel size is the weight's)
/// it makes that call's `Conv2DGeometry`, which holds the output-size formula.
public struct Conv2DSettings: Equatable, Sendable {
  public var strideHeight: Int
  public var strideWidth: Int
  public var paddingTop: Int
  public var paddingBottom: Int
  public var paddingLeft: Int
  public var paddingRight: Int
  public var dilationHeight: Int
  public var dilationWidth: Int
  /// Input and output channels are split into this many independent groups (see
  /// `Conv2DGeometry.groups`).
  public var groups: Int

  /// Settings with every parameter given per axis or side (asymmetric padding allowed). The
  /// strides have no default so that `Conv2DSettings()` means the symmetric initializer.
  public init(
    strideHeight: Int, strideWidth: Int, paddingTop: Int = 0, paddingBottom: Int = 0,
    paddingLeft: Int = 0, paddingRight: Int = 0, dilationHeight: Int = 1, dilationWidth: Int = 1,
    groups: Int = 1
  ) {
    self.strideHeight = strideHeight
    self.strideWidth = strideWidth
    self.paddingTop = paddingTop
    self.paddingBottom = paddingBottom
    self.paddingLeft = paddingLeft
    self.paddingRight = paddingRight
    self.dilationHeight = dilationHeight
    self.dilationWidth = dilationWidth
    self.groups = groups
  }

  /// The same stride, symmetric padding and dilation on both axes.
  public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
    self.init(
      strideHeight: stride, strideWidth: stride, paddingTop: padding, paddingBottom: padding,
      paddingLeft: padding, paddingRight: padding, dilationHeight: dilation,
      dilationWidth: dilation, groups: groups)
  }
}

extension Conv2DGeometry {
  /// The geometry of one call: `settings` applied to an input of shape `input`
  /// `[N, C, H, W]` with a weight of shape `weight` `[OC, C/groups, kH, kW]`. Only the sizes
  /// are read; whether they fit each other is `validate()`'s to say (the weight's second axis
  /// is not part of the geometry: callers compare it with `C / groups`).
  public init(input: [Int], weight: [Int], settings: Conv2DSettings) {
    precondition(
      input.count == 4 && weight.count == 4,
      "Conv2DGeometry: expects input [N, C, H, W] and weight [OC, C/groups, kH, kW], got \(input) "
        + "and \(weight)")
    self.init(
      batch: input[0], inputChannels: input[1], inputHeight: input[2], inputWidth: input[3],
      outputChannels: weight[0], kernelHeight: weight[2], kernelWidth: weight[3])
    self.settings = settings
  }
}
