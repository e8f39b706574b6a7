/// One position of a sliding window, as the course works it by hand: for each input channel
/// the patch under the window, the kernel, their element-wise products and the sum; then the
/// channel sums added up, plus the bias, giving one cell of an output map.
public struct WindowStep: Sendable {
  /// One input channel's share of a step.
  public struct Term: Sendable {
    public let channel: Int
    /// The values under the window (from the padded input).
    public let patch: [[Float]]
    public let kernel: [[Float]]
    /// patch ⊙ kernel, element by element.
    public let products: [[Float]]
    /// The sum of the products.
    public let sum: Float
  }

  /// The output map (filter) this step fills.
  public let map: Int
  /// The output cell it fills.
  public let row: Int
  public let column: Int
  /// The window's top-left corner in the padded input.
  public let windowRow: Int
  public let windowColumn: Int
  public let terms: [Term]
  /// The filter's bias, if it has one.
  public let bias: Float?
  /// Σ channel sums + bias: the value of the output cell.
  public let total: Float
}

/// Slides each filter over `padded` ([channel][row][column], already padded) with the given
/// stride and records every step: the plain loops of the course, kept apart from the library's
/// fast kernels so that the two can be compared. Sums are accumulated in Double.
func slideWindows(
  padded: [[[Float]]], filters: [[[[Float]]]], bias: [Float]?, strideHeight: Int, strideWidth: Int,
  outputHeight: Int, outputWidth: Int
) -> (steps: [WindowStep], output: [[[Float]]]) {
  var steps: [WindowStep] = []
  var output: [[[Float]]] = []
  for (map, filter) in filters.enumerated() {
    var plane = [[Float]](repeating: [Float](repeating: 0, count: outputWidth), count: outputHeight)
    for row in 0..<outputHeight {
      for column in 0..<outputWidth {
        let (top, left) = (row * strideHeight, column * strideWidth)
        var total = Double(bias?[map] ?? 0)
        let terms = filter.enumerated().map { channel, kernel -> WindowStep.Term in
          let patch = kernel.indices.map { u in
            kernel[u].indices.map { v in padded[channel][top + u][left + v] }
          }
          let products = zip(patch, kernel).map { zip($0, $1).map { $0 * $1 } }
          let sum = zip(patch, kernel).reduce(0.0) { partial, rows in
            zip(rows.0, rows.1).reduce(partial) { $0 + Double($1.0) * Double($1.1) }
          }
          total += sum
          return WindowStep.Term(
            channel: channel, patch: patch, kernel: kernel, products: products, sum: Float(sum))
        }
        plane[row][column] = Float(total)
        steps.append(
          WindowStep(
            map: map, row: row, column: column, windowRow: top, windowColumn: left, terms: terms,
            bias: bias?[map], total: Float(total)))
      }
    }
    output.append(plane)
  }
  return (steps, output)
}

/// `planes` with `top`/`left` zero rows and columns before and `bottom`/`right` after.
func zeroPadded(_ planes: [[[Float]]], top: Int, bottom: Int, left: Int, right: Int) -> [[[Float]]] {
  planes.map { plane in
    let width = (plane.first?.count ?? 0) + left + right
    let blank = [Float](repeating: 0, count: width)
    let rows = plane.map {
      [Float](repeating: 0, count: left) + $0 + [Float](repeating: 0, count: right)
    }
    return [[Float]](repeating: blank, count: top) + rows + [[Float]](repeating: blank, count: bottom)
  }
}

/// The largest |a − b| over two equally shaped stacks of matrices (infinity if shapes differ).
func largestDifference(_ a: [[[Float]]], _ b: [[[Float]]]) -> Float {
  guard a.count == b.count else { return .infinity }
  var largest: Float = 0
  for (p, q) in zip(a, b) {
    guard p.count == q.count else { return .infinity }
    for (r, s) in zip(p, q) {
      guard r.count == s.count else { return .infinity }
      for (x, y) in zip(r, s) { largest = max(largest, abs(x - y)) }
    }
  }
  return largest
}

/// Whether a hand-loop result agrees with a kernel's: equal up to float rounding (the kernels
/// sum in another order, with fused multiply-adds).
func agrees(_ a: [[[Float]]], _ b: [[[Float]]]) -> Bool {
  let scale = a.joined().joined().map(abs).max() ?? 0
  return largestDifference(a, b) <= 1e-5 * max(1, scale)
}
