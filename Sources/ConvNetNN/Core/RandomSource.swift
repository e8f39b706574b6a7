import ConvNetAutograd
import ConvNetTensor

/// Where layers draw their initial weights (and dropout layers their seeds) from.
///
/// `RandomSource.withSeed(7) { LeNet5() }` builds the same weights every time. Outside such a
/// block layers draw from a process-wide source seeded with 0.
public final class RandomSource: @unchecked Sendable {
  public var generator: SeededGenerator

  public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

  @TaskLocal static var scoped: RandomSource?
  static let processWide = RandomSource(seed: 0)

  /// The source in effect: the innermost `withSeed` block's, else the process-wide one.
  public static var current: RandomSource { scoped ?? processWide }

  /// Runs `body` with a fresh source seeded with `seed`.
  public static func withSeed<Result>(_ seed: UInt64, _ body: () throws -> Result) rethrows -> Result {
    try $scoped.withValue(RandomSource(seed: seed), operation: body)
  }
}

/// How a convolution or linear layer sets its initial weights.
public enum WeightInitialization: Sendable {
  /// PyTorch's default: weight and bias ~ U(−1/√fanIn, 1/√fanIn) (Kaiming-uniform with a = √5).
  case pytorchDefault
  /// The course's choice: weight and bias ~ U(−bound, bound), e.g. 0.05.
  case uniform(bound: Float)

  func bounds(fanIn: Int) -> (weight: Float, bias: Float) {
    switch self {
    case .pytorchDefault:
      let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
      return (bound, bound)
    case .uniform(let bound):
      return (bound, bound)
    }
  }

  /// A weight/bias pair for a layer with the given fan-in, drawn from `RandomSource.current`.
  func make(weightShape: [Int], biasShape: [Int]?, fanIn: Int) -> (Variable, Variable?) {
    let (weightBound, biasBound) = bounds(fanIn: fanIn)
    let source = RandomSource.current
    let weight = Variable(
      Tensor.randomUniform(weightShape, low: -weightBound, high: weightBound, using: &source.generator),
      requiresGrad: true)
    let bias = biasShape.map {
      Variable(
        Tensor.randomUniform($0, low: -biasBound, high: biasBound, using: &source.generator),
        requiresGrad: true)
    }
    return (weight, bias)
  }
}
