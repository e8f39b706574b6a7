import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import Foundation

/// The activation functions the course compares.
public enum ActivationKind: String, CaseIterable, Sendable {
  case sigmoid, tanh, relu, rrelu, leaky
}

/// An activation function explained: its values and derivative at a few points (computed by the
/// library's own op and its autograd backward), where it saturates, its largest slope and what
/// that means for a gradient passing through many layers, and a plot of both curves.
public struct ActivationExplanation {
  /// f and f′ at one point.
  public struct Sample: Sendable {
    public let x: Float
    public let value: Float
    public let derivative: Float
  }

  public let kind: ActivationKind
  /// A few points, from −5 to 5.
  public let samples: [Sample]
  /// 241 points over [−6, 6], for the plot.
  public let curve: [Sample]
  /// The point of the largest derivative on the curve.
  public let steepest: Sample
  /// |f′| below this counts as saturated.
  public let saturationLevel: Float
  /// The smallest a such that |f′(x)| < saturationLevel for every |x| ≥ a on the curve; nil
  /// when the function never saturates on both sides (the ReLU family).
  public let saturatesBeyond: Float?
  /// The slope for x < 0 (ReLU family): 0 for ReLU, the module's default for LeakyReLU, the
  /// evaluation slope (lower + upper)/2 for RReLU.
  public let negativeSlope: Float?
  /// RReLU: the range its training slopes are drawn from (the module's defaults).
  public let trainingSlopeRange: (lower: Float, upper: Float)?
  /// RReLU: slopes drawn in training for a few negative inputs (seeded, reproducible).
  public let trainingSlopes: [Float]
  /// How many layers `gradientBound` is taken over.
  public let layerCount: Int
  /// steepest.derivative ^ layerCount: the most a gradient keeps after that many layers of this
  /// activation (ignoring the weights) — 0.25¹⁰ ≈ 1e−6 for sigmoid, the vanishing gradient.
  public let gradientBound: Double

  public init(_ kind: ActivationKind, layerCount: Int = 10, saturationLevel: Float = 0.01) {
    self.kind = kind
    self.layerCount = layerCount
    self.saturationLevel = saturationLevel
    let leaky = LeakyReLU()
    let randomized = RReLU()
    switch kind {
    case .sigmoid, .tanh:
      negativeSlope = nil
      trainingSlopeRange = nil
    case .relu:
      negativeSlope = evaluate(kind, at: [-1]).first.map { $0.derivative }
      trainingSlopeRange = nil
    case .leaky:
      negativeSlope = leaky.negativeSlope
      trainingSlopeRange = nil
    case .rrelu:
      negativeSlope = (randomized.lower + randomized.upper) / 2
      trainingSlopeRange = (randomized.lower, randomized.upper)
    }
    samples = evaluate(kind, at: [-5, -2, -1, -0.5, 0, 0.5, 1, 2, 5])
    curve = evaluate(kind, at: (0...240).map { Float($0) / 20 - 6 })
    steepest = curve.max { abs($0.derivative) < abs($1.derivative) } ?? curve[0]
    // Scan outwards from 0: the saturation point is where |f′| drops below the level on both
    // sides and stays there.
    var beyond: Float?
    for (left, right) in zip(curve[...120].reversed(), curve[120...]) {
      let saturated = abs(left.derivative) < saturationLevel && abs(right.derivative) < saturationLevel
      if saturated && beyond == nil { beyond = right.x }
      if !saturated { beyond = nil }
    }
    saturatesBeyond = beyond
    if kind == .rrelu {
      // One negative input per slope: in training each element draws its own.
      var generator = SeededGenerator(seed: 1)
      let x = Variable(Tensor(shape: [5], repeating: -1))
      let y = rrelu(
        x, lower: randomized.lower, upper: randomized.upper, training: true, generator: &generator)
      trainingSlopes = y.value.scalars.map { -$0 }
    } else {
      trainingSlopes = []
    }
    gradientBound = Foundation.pow(Double(abs(steepest.derivative)), Double(layerCount))
  }
}

/// f(x) by the library's op and f′(x) by its autograd backward (evaluation mode for RReLU).
private func evaluate(_ kind: ActivationKind, at points: [Float]) -> [ActivationExplanation.Sample] {
  let x = Variable(Tensor(shape: [points.count], scalars: points), requiresGrad: true)
  let y: Variable
  switch kind {
  case .sigmoid: y = sigmoid(x)
  case .tanh: y = tanh(x)
  case .relu: y = relu(x)
  case .leaky: y = LeakyReLU()(x)
  case .rrelu:
    let module = RReLU()
    module.eval()
    y = module(x)
  }
  y.backward(gradient: Tensor(shape: [points.count], repeating: 1))
  let values = y.value.scalars
  let derivatives = x.grad?.scalars ?? [Float](repeating: 0, count: points.count)
  return points.indices.map {
    ActivationExplanation.Sample(x: points[$0], value: values[$0], derivative: derivatives[$0])
  }
}
