/// One axis of the course's output-size formula (W − F + 2P)/S + 1 with the numbers filled in.
/// The result is not recomputed here: it is the library geometry's own output size
/// (`Conv2DGeometry` / `Pool2DGeometry`), so what is explained is what the kernels do.
public struct OutputSizeDerivation: Equatable, Sendable {
  /// W: the input size along this axis.
  public let input: Int
  /// F: the kernel size along this axis.
  public let kernel: Int
  /// P: the zero padding on each side.
  public let padding: Int
  /// S: the stride.
  public let stride: Int
  /// The output size, from the library's geometry.
  public let output: Int

  /// W − F + 2P: how far the window can travel across the padded input.
  public var span: Int { input - kernel + 2 * padding }

  /// span mod S: rows (or columns) at the far edge of the padded input that no window reaches
  /// because the stride does not divide the span; the division rounds down.
  public var uncovered: Int { span >= 0 && stride > 0 ? span % stride : 0 }
}
