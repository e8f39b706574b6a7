import ConvNetAutograd
import ConvNetNN

/// Squeeze-and-excitation (Hu et al.): global average pooling squeezes each channel to one
/// number, a two-layer bottleneck (1×1 convolutions with bias, ReLU, sigmoid) turns those into
/// per-channel gates, and the input is multiplied by its gates:
/// y = x ⊙ σ(fc2(relu(fc1(mean_hw(x))))).
///
/// Laid out as timm's `SEModule` (keys `fc1.weight`, `fc1.bias`, `fc2.weight`, `fc2.bias`). The
/// reduced width is C/16 rounded to the nearest multiple of 8, at least 8 — timm's
/// `make_divisible(C / 16, 8, round_limit=0)`: 16, 32, 64, 128 in SE-ResNet-50's four stages.
///
/// SE-ResNet-50 (`ResNet(depth: .resNet50, squeezeExcitation: true)`, timm's `seresnet50`)
/// puts one such module after `bn3` of every bottleneck, before the residual addition:
/// 28,088,024 parameters for 1,000 classes (ResNet-50's 25,557,032 + 2,530,992 in SE modules).
///
/// - Paper: J. Hu, L. Shen, G. Sun, "Squeeze-and-Excitation Networks", CVPR 2018.
public final class SqueezeExcitation: Module {
  public let channels: Int
  public let reducedChannels: Int
  public let pool = AdaptiveAvgPool2d(1)
  public let fc1: Conv2d
  public let act = ReLU()
  public let fc2: Conv2d
  public let gate = Sigmoid()

  /// - Parameters:
  ///   - channels: channels of the input (and of the gates).
  ///   - reduction: the squeeze ratio r (16 in the paper).
  public init(_ channels: Int, reduction: Int = 16) {
    self.channels = channels
    reducedChannels = Self.reducedWidth(channels, reduction: reduction)
    fc1 = Conv2d(channels, reducedChannels, kernelSize: 1)
    fc2 = Conv2d(reducedChannels, channels, kernelSize: 1)
  }

  /// C / r rounded to the nearest multiple of 8 (halves up), at least 8 (timm's rule).
  public static func reducedWidth(_ channels: Int, reduction: Int = 16, divisor: Int = 8) -> Int {
    let exact = Double(channels) / Double(reduction)
    return max(divisor, Int(exact + Double(divisor) / 2) / divisor * divisor)
  }

  public var children: [(name: String, module: any Module)] {
    [("pool", pool), ("fc1", fc1), ("act", act), ("fc2", fc2), ("gate", gate)]
  }

  public func forward(_ input: Variable) -> Variable {
    let gates = gate(fc2(act(fc1(pool(input)))))
    return scaleChannels(input, gates: gates)
  }
}
