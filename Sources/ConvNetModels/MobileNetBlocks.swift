import ConvNetAutograd
import ConvNetNN

/// Pieces shared by the MobileNet family (v1, v2, v3).
public enum MobileNet {
  /// The activation after a convolution + batch norm.
  public enum Activation: Sendable {
    case relu, relu6, hardswish, none

    func makeLayer() -> (any Module)? {
      switch self {
      case .relu: return ReLU()
      case .relu6: return ReLU6()
      case .hardswish: return Hardswish()
      case .none: return nil
      }
    }
  }

  /// Rounds a (width-multiplied) channel count to the nearest multiple of `divisor`, never
  /// below `divisor` and never more than 10% below the value — torchvision's and timm's
  /// `_make_divisible` / `make_divisible` (after the TensorFlow MobileNet reference code), so
  /// that channel counts for any width multiplier agree with theirs.
  public static func makeDivisible(_ value: Double, divisor: Int = 8) -> Int {
    let rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
    return Double(rounded) < 0.9 * value ? rounded + divisor : rounded
  }

  /// torchvision's `Conv2dNormActivation`: Conv2d (no bias, "same"-style padding
  /// (k − 1)/2) → BatchNorm2d → activation, as a `Sequential` so that keys are `N.0.weight`,
  /// `N.1.running_mean`, ….
  static func convBNActivation(
    _ input: Int, _ output: Int, kernelSize: Int = 3, stride: Int = 1, groups: Int = 1,
    activation: Activation, batchNormMomentum: Float = 0.1, batchNormEpsilon: Float = 1e-5
  ) -> Sequential {
    var layers: [any Module] = [
      Conv2d(
        input, output, kernelSize: Size2(kernelSize, kernelSize), stride: Size2(stride, stride),
        padding: .explicit(Size2((kernelSize - 1) / 2, (kernelSize - 1) / 2)), groups: groups,
        bias: false),
      BatchNorm2d(output, momentum: batchNormMomentum, epsilon: batchNormEpsilon),
    ]
    if let layer = activation.makeLayer() { layers.append(layer) }
    return Sequential(layers)
  }
}
