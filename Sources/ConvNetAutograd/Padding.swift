import ConvNetKernels

/// Zero padding of a convolution: a number of pixels per side, or PyTorch's "same" (output as
/// large as the input, stride 1 only; an even kernel pads the extra pixel at bottom/right) and
/// "valid" (no padding).
public enum Padding: ExpressibleByIntegerLiteral, Equatable, Sendable, CustomStringConvertible {
  case same
  case valid
  case explicit(Size2)

  public init(integerLiteral value: Int) { self = .explicit(Size2(value, value)) }

  public var description: String {
    switch self {
    case .same: return "same"
    case .valid: return "valid"
    case .explicit(let size): return size.description
    }
  }

  /// The pixels added on each side for a kernel of size `kernel` with `dilation` ("same"
  /// depends on both, see `Conv2DGeometry.samePadding`).
  public func sides(kernel: Size2, dilation: Size2)
    -> (top: Int, bottom: Int, left: Int, right: Int)
  {
    switch self {
    case .valid: return (0, 0, 0, 0)
    case .explicit(let size): return (size.height, size.height, size.width, size.width)
    case .same:
      let vertical = Conv2DGeometry.samePadding(kernel: kernel.height, dilation: dilation.height)
      let horizontal = Conv2DGeometry.samePadding(kernel: kernel.width, dilation: dilation.width)
      return (vertical.before, vertical.after, horizontal.before, horizontal.after)
    }
  }
}
