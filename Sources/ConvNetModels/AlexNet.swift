import ConvNetAutograd
import ConvNetNN

/// AlexNet as torchvision defines it (the single-GPU "one weird trick" variant, without local
/// response normalisation): five convolutions (11×11 stride 4, 5×5, three 3×3) with ReLU and
/// three 3×3 stride-2 max poolings, adaptive average pooling to 6×6, and three fully connected
/// layers with dropout.
///
/// Keys `features.0.weight` … `features.10.bias`, `classifier.1.weight` … `classifier.6.bias`;
/// 61,100,840 parameters for 1000 classes. Needs inputs of at least 63×63 (smaller ones vanish
/// in the third max pooling), so it cannot take 28×28 MNIST digits unresized.
///
/// - Paper: A. Krizhevsky, I. Sutskever, G. E. Hinton, "ImageNet Classification with Deep
///   Convolutional Neural Networks", NeurIPS 2012; channel counts of A. Krizhevsky, "One weird
///   trick for parallelizing convolutional neural networks", arXiv:1404.5997, 2014.
public final class AlexNet: Module {
  public let features: Sequential
  public let avgpool: AdaptiveAvgPool2d
  public let classifier: Sequential

  public init(inputChannels: Int = 3, classCount: Int = 1000, dropout: Float = 0.5) {
    features = Sequential {
      Conv2d(inputChannels, 64, kernelSize: 11, stride: 4, padding: 2)
      ReLU()
      MaxPool2d(3, stride: 2)
      Conv2d(64, 192, kernelSize: 5, padding: 2)
      ReLU()
      MaxPool2d(3, stride: 2)
      Conv2d(192, 384, kernelSize: 3, padding: 1)
      ReLU()
      Conv2d(384, 256, kernelSize: 3, padding: 1)
      ReLU()
      Conv2d(256, 256, kernelSize: 3, padding: 1)
      ReLU()
      MaxPool2d(3, stride: 2)
    }
    avgpool = AdaptiveAvgPool2d(6)
    classifier = Sequential {
      Dropout(dropout)
      Linear(256 * 6 * 6, 4096)
      ReLU()
      Dropout(dropout)
      Linear(4096, 4096)
      ReLU()
      Linear(4096, classCount)
    }
  }

  public var children: [(name: String, module: any Module)] {
    [("features", features), ("avgpool", avgpool), ("classifier", classifier)]
  }

  public func forward(_ input: Variable) -> Variable {
    classifier(avgpool(features(input)).flattened())
  }
}
