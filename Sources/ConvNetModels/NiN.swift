import ConvNetAutograd
import ConvNetNN

/// Network in Network for CIFAR-10: three "mlpconv" blocks — a spatial convolution followed by
/// two 1×1 convolutions (a small multilayer perceptron slid over every position), each with
/// ReLU — separated by 3×3 stride-2 poolings and dropout, and global average pooling of the
/// last block's class maps instead of fully connected layers.
///
/// Block 1: conv 5×5 → 192, 1×1 → 160, 1×1 → 96, max pool 3/2, dropout 0.5.
/// Block 2: conv 5×5 → 192, 1×1 → 192, 1×1 → 192, average pool 3/2, dropout 0.5.
/// Block 3: conv 3×3 → 192, 1×1 → 192, 1×1 → classes; then global average pooling.
/// Layer sizes, the ReLU after the last 1×1 convolution and the ceil-mode poolings follow the
/// authors' published Caffe definition for CIFAR-10 (32×32 → 16×16 → 8×8); 28×28 input works
/// too (→ 14 → 7). The paper gives no layer names, so the keys are torchvision-style
/// `features.N.weight` for N = 0, 2, 4, 8, 10, 12, 16, 18, 20; the classifier is the last 1×1
/// convolution `features.20` (its weight is [classes, 192, 1, 1]). 966,986 parameters for 3
/// input channels and 10 classes.
///
/// - Paper: M. Lin, Q. Chen, S. Yan, "Network In Network", ICLR 2014 (arXiv:1312.4400),
///   sections 3.1–3.2 and 4.2.
public final class NiN: Module {
  public let features: Sequential

  public init(inputChannels: Int = 3, classCount: Int = 10, dropout: Float = 0.5) {
    features = Sequential {
      Conv2d(inputChannels, 192, kernelSize: 5, padding: 2)
      ReLU()
      Conv2d(192, 160, kernelSize: 1)
      ReLU()
      Conv2d(160, 96, kernelSize: 1)
      ReLU()
      MaxPool2d(3, stride: 2, ceilMode: true)
      Dropout(dropout)
      Conv2d(96, 192, kernelSize: 5, padding: 2)
      ReLU()
      Conv2d(192, 192, kernelSize: 1)
      ReLU()
      Conv2d(192, 192, kernelSize: 1)
      ReLU()
      AvgPool2d(3, stride: 2, ceilMode: true)
      Dropout(dropout)
      Conv2d(192, 192, kernelSize: 3, padding: 1)
      ReLU()
      Conv2d(192, 192, kernelSize: 1)
      ReLU()
      Conv2d(192, classCount, kernelSize: 1)
      ReLU()
      AdaptiveAvgPool2d(1)
    }
  }

  public var children: [(name: String, module: any Module)] { [("features", features)] }

  /// [N, C, H, W] → [N, classes]: the spatial means of the class maps are the logits.
  public func forward(_ input: Variable) -> Variable { features(input).flattened() }
}
