import ConvNetImage
import ConvNetTensor

/// The output of one layer for a batch of inputs, as captured during a forward pass.
public struct FeatureMaps {
  /// The module path, which is also the prefix of the layer's state-dict keys
  /// (`features.0`, `layer1.0`, `inception3a.branch2`).
  public let name: String
  /// What the module is: the layer's description ("Conv2d(1, 6, kernel 5, padding 2)") or the
  /// block's type ("BasicBlock").
  public let layerDescription: String
  /// The values, [N, C, H, W].
  public let values: Tensor

  public init(name: String, layerDescription: String, values: Tensor) {
    precondition(values.rank == 4, "FeatureMaps: values must be N×C×H×W, got \(values.shape)")
    self.name = name
    self.layerDescription = layerDescription
    self.values = values
  }

  public var channelCount: Int { values.shape[1] }
  public var height: Int { values.shape[2] }
  public var width: Int { values.shape[3] }

  /// Channel `channel` of sample `sample`: height·width values, rows top to bottom.
  public func plane(sample: Int = 0, channel: Int) -> [Float] {
    precondition(
      sample >= 0 && sample < values.shape[0], "FeatureMaps: sample \(sample) of \(values.shape[0])")
    precondition(channel >= 0 && channel < channelCount, "FeatureMaps: channel \(channel) of \(channelCount)")
    let size = height * width
    let start = (sample * channelCount + channel) * size
    return values.withUnsafeBufferPointer { Array($0[start..<(start + size)]) }
  }

  /// Channel `channel` of sample `sample` for display: scaled from its own minimum (black) to its
  /// maximum (white); a constant map is black.
  public func displayImage(sample: Int = 0, channel: Int) -> Image {
    let values = plane(sample: sample, channel: channel)
    let low = values.min() ?? 0
    let range = (values.max() ?? 0) - low
    return Image(
      width: width, height: height, channels: 1,
      pixels: values.map { range > 0 ? ($0 - low) / range : 0 })
  }
}
