/// An input that a network cannot take: checked before a model runs, because running it would
/// stop the program at the first layer whose shapes do not match.
public struct InputShapeError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

extension Architecture {
  /// Checks that one sample of shape [C, H, W] can go through the network as built for `C`
  /// input channels.
  ///
  /// - Throws: `InputShapeError` naming the shape given and the shape accepted: a rank other
  ///   than 3, a size the classifier is not made for (`hasFixedInputSize`), or a side below
  ///   `minimumInputSize` (its pooling would shrink a feature map to nothing).
  public func checkInput(sampleShape: [Int]) throws {
    let given = sampleShape.map(String.init).joined(separator: "×")
    guard sampleShape.count == 3, sampleShape.allSatisfy({ $0 >= 1 }) else {
      throw InputShapeError(
        "\(name) takes one image as channels×height×width, each at least 1, got \(given)")
    }
    guard sampleShape[0] <= 4096 else {
      throw InputShapeError(
        "\(name): \(sampleShape[0]) input channels, expected at most 4096 (given \(given))")
    }
    let (height, width) = (sampleShape[1], sampleShape[2])
    if hasFixedInputSize {
      guard height == inputShape[1] && width == inputShape[2] else {
        throw InputShapeError(
          "\(name) takes \(inputShape[1])×\(inputShape[2]) images only (its classifier is sized "
            + "for them), got \(height)×\(width)")
      }
    }
    guard min(height, width) >= minimumInputSize else {
      throw InputShapeError(
        "\(name) needs images of at least \(minimumInputSize)×\(minimumInputSize) (smaller "
          + "feature maps would shrink to nothing in its pooling), got \(height)×\(width)")
    }
  }

  /// The shape to bring samples of `sampleShape` to for this network: `channels` when given,
  /// and the network's own height and width when it takes only those (`hasFixedInputSize`) or
  /// when the images are smaller than `minimumInputSize`. Equal to `sampleShape` when nothing
  /// needs to change.
  public func fittedShape(for sampleShape: [Int], channels: Int? = nil) -> [Int] {
    guard sampleShape.count == 3 else { return sampleShape }
    var target = sampleShape
    if let channels { target[0] = channels }
    let tooSmall = min(sampleShape[1], sampleShape[2]) < minimumInputSize
    let wrongSize = hasFixedInputSize && (sampleShape[1], sampleShape[2]) != (inputShape[1], inputShape[2])
    if tooSmall || wrongSize {
      target[1] = max(inputShape[1], minimumInputSize)
      target[2] = max(inputShape[2], minimumInputSize)
    }
    return target
  }
}
