/// What a max or average pooling fixes when it is made — window, stride, padding and rounding —
/// as opposed to the shape it is called with. Together with one call's input shape
/// `[N, C, H, W]` it makes that call's `Pool2DGeometry`, which holds the output-size formula.
public struct Pool2DSettings: Equatable, Sendable {
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideHeight: Int
  public var strideWidth: Int
  public var paddingHeight: Int
  public var paddingWidth: Int
  /// Round the output size up instead of down (see `Pool2DGeometry.ceilMode`).
  public var ceilMode: Bool

  /// Settings with every parameter given per axis.
  public init(
    kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
    paddingHeight: Int = 0, paddingWidth: Int = 0, ceilMode: Bool = false
  ) {
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideHeight = strideHeight
    self.strideWidth = strideWidth
    self.paddingHeight = paddingHeight
    self.paddingWidth = paddingWidth
    self.ceilMode = ceilMode
  }
}

extension Pool2DGeometry {
  /// The geometry of one call: `settings` applied to an input of shape `input` `[N, C, H, W]`.
  public init(input: [Int], settings: Pool2DSettings) {
    precondition(input.count == 4, "Pool2DGeometry: expects input [N, C, H, W], got \(input)")
    self.batch = input[0]
    self.channels = input[1]
    self.inputHeight = input[2]
    self.inputWidth = input[3]
    self.settings = settings
  }
}
