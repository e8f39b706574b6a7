import ConvNetAutograd
import ConvNetNN

/// LeNet-5 in its modern form (ReLU, max pooling), the course's first network, laid out as
/// torchvision-style `features` and `classifier` so that its weights carry PyTorch keys
/// `features.0.weight` … `classifier.4.bias`.
///
/// features: Conv2d(1, 6, 5, padding 2) → ReLU → MaxPool2d(2) → Conv2d(6, 16, 5) → ReLU →
/// MaxPool2d(2); flatten; classifier: Linear(400, 120) → ReLU → Linear(120, 84) → ReLU →
/// Linear(84, 10). For 1×28×28 input: 61,706 parameters
/// (156 + 2,416 + 48,120 + 10,164 + 850).
///
/// - Paper: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to
///   document recognition", Proc. IEEE 86(11), 1998.
public final class LeNet5: Module {
  public let features: Sequential
  public let classifier: Sequential

  public init(
    inputChannels: Int = 1, classCount: Int = 10, initialization: WeightInitialization = .pytorchDefault
  ) {
    features = Sequential {
      Conv2d(inputChannels, 6, kernelSize: 5, padding: 2, initialization: initialization)
      ReLU()
      MaxPool2d(2)
      Conv2d(6, 16, kernelSize: 5, initialization: initialization)
      ReLU()
      MaxPool2d(2)
    }
    classifier = Sequential {
      Linear(16 * 5 * 5, 120, initialization: initialization)
      ReLU()
      Linear(120, 84, initialization: initialization)
      ReLU()
      Linear(84, classCount, initialization: initialization)
    }
  }

  public var children: [(name: String, module: any Module)] {
    [("features", features), ("classifier", classifier)]
  }

  public func forward(_ input: Variable) -> Variable {
    classifier(features(input).flattened())
  }
}
