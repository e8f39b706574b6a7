/// A height/width pair that an integer literal fills on both axes: `kernelSize: 5` or
/// `kernelSize: Size2(1, 7)` — the sizes, strides and dilations of 2-D convolutions and
/// poolings, as PyTorch's int-or-pair arguments.
public struct Size2: ExpressibleByIntegerLiteral, Equatable, Sendable, CustomStringConvertible {
  public var height: Int
  public var width: Int
  public init(_ height: Int, _ width: Int) {
    self.height = height
    self.width = width
  }
  public init(integerLiteral value: Int) { self.init(value, value) }
  public var description: String { height == width ? "\(height)" : "(\(height), \(width))" }
}
