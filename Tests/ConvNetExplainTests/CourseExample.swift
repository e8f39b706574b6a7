import ConvNetExplain

/// The course's worked convolution (the CS231n-style demo it reproduces): a 5×5×3 input padded
/// by 1, two 3×3×3 filters, stride 2. The course gives the first window: the padded input's
/// top-left 3×3 patch per channel [[0,0,0],[0,1,1],[0,1,1]], [[0,0,0],[0,0,1],[0,2,2]],
/// [[0,0,0],[0,2,2],[0,0,0]], filter w0 per channel [[1,1,1],[−1,−1,0],[−1,1,0]],
/// [[−1,−1,1],[−1,1,0],[−1,1,0]], [[1,0,−1],[0,0,0],[1,−1,−1]], bias 1. The input's top-left
/// 2×2 per channel is therefore fixed ([[1,1],[1,1]], [[0,1],[2,2]], [[2,2],[0,0]]); the other
/// input values and the second filter are this test's own.
enum CourseExample {
  static let valuesText =
    "1 1 2 0 1; 1 1 0 2 2; 0 2 1 1 0; 2 0 0 1 2; 1 2 2 0 0 | "
    + "0 1 2 1 0; 2 2 0 0 1; 1 0 2 2 1; 0 1 1 0 2; 2 0 1 1 0 | "
    + "2 2 0 1 1; 0 0 1 2 0; 1 2 0 0 2; 2 1 1 2 0; 0 1 2 0 1"
  static let weightsText =
    "1 1 1; -1 -1 0; -1 1 0 | -1 -1 1; -1 1 0; -1 1 0 | 1 0 -1; 0 0 0; 1 -1 -1 / "
    + "0 1 -1; 0 -1 0; 0 -1 1 | -1 0 0; 1 -1 0; 1 -1 0 | -1 1 -1; 0 -1 -1; 1 0 0"
  static let biasText = "1, 0"

  static func request() throws -> ConvolutionRequest {
    ConvolutionRequest(
      stride: 2, padding: 1, input: try NumberGridParser.planes(valuesText, field: .values),
      weights: try NumberGridParser.filters(weightsText, field: .weights),
      bias: try NumberGridParser.list(biasText, field: .bias))
  }
}
