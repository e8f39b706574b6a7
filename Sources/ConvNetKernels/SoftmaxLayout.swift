/// How softmax sees a tensor: `outer` blocks of `size` values along the softmax axis, the
/// values of one row `inner` apart (row-major: the axis's stride is the product of the later
/// dimensions). A row starts at o·size·inner + i for o < outer, i < inner.
public struct SoftmaxLayout: Equatable, Sendable {
  public var outer: Int
  public var size: Int
  public var inner: Int

  public init(outer: Int, size: Int, inner: Int) {
    self.outer = outer
    self.size = size
    self.inner = inner
  }

  /// The layout of `shape` around `axis` (negative counts from the end).
  public init(shape: [Int], axis: Int) {
    let a = axis < 0 ? axis + shape.count : axis
    precondition(a >= 0 && a < shape.count, "axis \(axis) out of range for shape \(shape)")
    outer = shape[..<a].reduce(1, *)
    size = shape[a]
    inner = shape[(a + 1)...].reduce(1, *)
  }

  /// The number of rows (each normalised on its own): outer · inner.
  public var rows: Int { outer * inner }

  /// All values: outer · size · inner.
  public var count: Int { outer * size * inner }
}
