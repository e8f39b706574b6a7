import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTraining
import Foundation

/// A catalogue architecture built to the shape of a weight file and loaded from it: the class
/// count is read from the classifier's weight, the input channels from the first convolution's.
public struct TrainedNetwork {
  public let architecture: Architecture
  public let model: any Module
  /// Channels of the input images the weights expect.
  public let inputChannels: Int
  /// Rows of the classifier's weight.
  public let classCount: Int

  /// The shape of one input: the weights' channels at the architecture's natural size.
  public var sampleShape: [Int] { [inputChannels] + architecture.inputShape.dropFirst() }

  /// Builds `architecture` for the weights at `url` and loads them.
  /// - Throws: the reader's error for an unreadable file; `InsightError` when the file lacks the
  ///   classifier or first-convolution weight; `StateDictError` for names or shapes that do not
  ///   match.
  public init(architecture: Architecture, weights url: URL) throws {
    let file = try SafetensorsFile.read(from: url)
    let classifierKey = architecture.classifierPrefix + ".weight"
    guard let classifier = file.entries.first(where: { $0.name == classifierKey }),
      let classCount = classifier.shape.first
    else {
      throw InsightError(
        "\(url.path): no tensor \"\(classifierKey)\" — are these \(architecture.name) weights?")
    }
    // The first convolution's weight is the first rank-4 parameter, [out, in, kH, kW].
    let probe = architecture.build(classCount: classCount)
    var channels = architecture.inputShape[0]
    if let firstKey = probe.namedParameters().first(where: { $0.parameter.value.rank == 4 })?.name {
      guard let entry = file.entries.first(where: { $0.name == firstKey }), entry.shape.count == 4 else {
        throw InsightError(
          "\(url.path): no 4-dimensional tensor \"\(firstKey)\" — are these \(architecture.name) weights?")
      }
      channels = entry.shape[1]
    }
    let model =
      channels == architecture.inputShape[0]
      ? probe : architecture.build(inputChannels: channels, classCount: classCount)
    try Checkpoint.loadWeights(into: model, from: url)
    model.eval()
    self.architecture = architecture
    self.model = model
    self.inputChannels = channels
    self.classCount = classCount
  }
}
