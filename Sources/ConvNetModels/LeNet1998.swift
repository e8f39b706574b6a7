import ConvNetAutograd
import ConvNetNN

/// LeNet-5 as published in 1998: 32×32 input, convolution C1 (6 maps 5×5), trainable
/// subsampling S2, the partially connected convolution C3 (16 maps, Table I), subsampling S4,
/// convolution C5 (120 maps 5×5 → 1×1), the fully connected F6 (84 units), every one of them
/// followed by the squashing function f(a) = 1.7159·tanh(2a/3), and a 10-way output.
///
/// Parameters: C1 (5·5·1+1)·6 = 156; S2 (1+1)·6 = 12; C3 6·(3·25+1) + 9·(4·25+1) +
/// 1·(6·25+1) = 1,516; S4 (1+1)·16 = 32; C5 (5·5·16+1)·120 = 48,120; F6 (120+1)·84 = 10,164;
/// output (84+1)·10 = 850 — 60,850 in all. Keys `c1.weight`, `s2.weight` (coefficients),
/// `c3.maps.J.weight` [1, |table[J]|, 5, 5], `s4.*`, `c5.*`, `f6.*`, `output.*`.
///
/// Differences from the paper, deliberately: the output layer is an ordinary Linear(84, 10)
/// producing logits for a cross-entropy loss, where the paper used Euclidean radial basis
/// function units with fixed ±1 targets (stylised 7×12 bitmaps of the digits) and a
/// maximum-a-posteriori-style loss; weights start from PyTorch-style uniform ranges rather than
/// the paper's ±2.4/fan-in. The input must be 32×32: the paper padded the 28×28 MNIST digits to
/// 32×32 (by 2 pixels on each side) so that stroke ends lie in the centre of C1's receptive
/// fields; pad MNIST the same way before this network (`lenet5` takes 28×28 as it is).
///
/// - Paper: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to
///   document recognition", Proc. IEEE 86(11):2278–2324, 1998, section II.B, Table I and
///   appendix A.
public final class LeNet1998: Module {
  /// Table I: the S2 maps that each C3 map combines. Maps 0–5 take 3 contiguous maps, 6–11
  /// take 4 contiguous, 12–14 take 4 non-contiguous, and 15 takes all 6 (wrapping around).
  public static let c3ConnectionTable: [[Int]] = [
    [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
    [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
    [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
    [0, 1, 2, 3, 4, 5],
  ]

  public let c1: Conv2d
  public let s2: Subsampling2d
  public let c3: ConnectionTableConv2d
  public let s4: Subsampling2d
  public let c5: Conv2d
  public let f6: Linear
  public let output: Linear
  /// One squashing layer after each of C1, S2, C3, S4, C5, F6 (separate instances so that a
  /// summary lists each one in place).
  let squashes = (0..<6).map { _ in ScaledTanh() }

  public init(inputChannels: Int = 1, classCount: Int = 10) {
    c1 = Conv2d(inputChannels, 6, kernelSize: 5)
    s2 = Subsampling2d(6)
    c3 = ConnectionTableConv2d(6, table: Self.c3ConnectionTable, kernelSize: 5)
    s4 = Subsampling2d(16)
    c5 = Conv2d(16, 120, kernelSize: 5)
    f6 = Linear(120, 84)
    output = Linear(84, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    let layers: [(String, any Module)] = [
      ("c1", c1), ("s2", s2), ("c3", c3), ("s4", s4), ("c5", c5), ("f6", f6),
    ]
    var result: [(name: String, module: any Module)] = []
    for ((name, layer), squash) in zip(layers, squashes) {
      result.append((name, layer))
      result.append(("\(name)_squash", squash))
    }
    return result + [("output", output)]
  }

  /// [N, C, 32, 32] → [N, classes].
  public func forward(_ input: Variable) -> Variable {
    precondition(
      input.value.rank == 4 && input.shape[2] == 32 && input.shape[3] == 32,
      "LeNet1998 expects [N, C, 32, 32] (pad 28×28 MNIST digits by 2 pixels, as the paper did), "
        + "got \(input.shape)"
    )
    var x = input
    for (layer, squash) in zip([c1, s2, c3, s4, c5] as [any Module], squashes) {
      x = squash(layer(x))
    }
    return output(squashes[5](f6(x.flattened())))
  }
}
