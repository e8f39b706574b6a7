import ConvNetIO
import ConvNetModels
import ConvNetNN
import Foundation

extension Architecture {
  /// The number of classes the weights at `url` were trained for: the rows of the final
  /// layer's weight (`<classifierPrefix>.weight`), read from the file's header.
  /// - Throws: `StateDictError` naming the file when it has no such tensor or it has no rows;
  ///   errors of `SafetensorsFile.read`.
  public func classCount(ofWeightsAt url: URL) throws -> Int {
    let file = try SafetensorsFile.read(from: url)
    let key = classifierPrefix + ".weight"
    guard let entry = file.entries.first(where: { $0.name == key }), let rows = entry.shape.first else {
      throw StateDictError("\(url.path): no tensor \"\(key)\" — are these \(name) weights?")
    }
    guard rows >= 1 else {
      throw StateDictError(
        "\(url.path): tensor \"\(key)\" has shape \(entry.shape): 0 classes, expected at least 1 row")
    }
    return rows
  }
}
