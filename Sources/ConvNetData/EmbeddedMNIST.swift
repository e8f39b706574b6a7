import Foundation

/// The original MNIST files bundled with ConvNet as a SwiftPM resource
/// (Resources/mnist: 60,000 training and 10,000 test digits, CC BY-SA 3.0, see its README).
public enum EmbeddedMNIST {
  /// The directory holding the four `.gz` IDX files.
  /// - Throws: `DataError` if the resource bundle was not installed next to the executable.
  public static func directory() throws -> URL {
    // `Bundle.module` stops the program when the bundle is missing, so look first and throw a
    // useful error instead.
    #if os(Linux) || os(Windows)
      let bundleName = "ConvNet_ConvNetData.resources"
    #else
      let bundleName = "ConvNet_ConvNetData.bundle"
    #endif
    var places = [Bundle.main.bundleURL]
    if let executable = Bundle.main.executableURL {
      places.append(executable.deletingLastPathComponent())
    }
    let bundlePaths = places.map { $0.appendingPathComponent(bundleName).path }
    guard bundlePaths.contains(where: { FileManager.default.fileExists(atPath: $0) }) else {
      throw DataError(
        file: bundlePaths[0], field: "resource bundle",
        problem: "not found: the embedded MNIST copy ships in \(bundleName) beside the "
          + "executable; copy it there, or load MNIST from a directory of IDX files instead")
    }
    guard let url = Bundle.module.url(forResource: "mnist", withExtension: nil) else {
      throw DataError(
        file: Bundle.module.bundleURL.path, field: "mnist",
        problem: "not found: expected the directory Resources/mnist in the resource bundle")
    }
    return url
  }

  /// Loads the embedded training (60,000) or test (10,000) digits, 1 × 28 × 28, 10 classes.
  public static func load(_ split: DatasetSplit) throws -> ImageClassificationDataset {
    try ImageClassificationDataset.mnistStyle(
      directory: directory(), split: split, classCount: 10, name: "mnist \(split.rawValue)")
  }
}
