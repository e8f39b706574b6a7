import Foundation

/// Which half of a dataset to load.
public enum DatasetSplit: String, Sendable, CaseIterable {
  case train
  case test

  /// The MNIST file-name prefix: "train" or "t10k".
  var mnistPrefix: String { self == .train ? "train" : "t10k" }
}

extension ImageClassificationDataset {
  /// Loads an MNIST-style pair of IDX files — MNIST, Fashion-MNIST, KMNIST, EMNIST and others
  /// that use the same layout — from `directory`.
  ///
  /// Files are found under the names `train-images-idx3-ubyte` / `train-labels-idx1-ubyte`
  /// (test split: prefix `t10k-`), also spelled `train-images.idx3-ubyte`, each optionally
  /// with `.gz`; compression is detected from the content. Images must be unsigned bytes of
  /// rank 3 ([N, H, W], one channel); labels any IDX integer type of rank 1 with N entries.
  ///
  /// - Parameters:
  ///   - classCount: the number of classes, if known; every label must be below it. When nil
  ///     it is the largest label + 1 (so a split missing the top classes reports fewer).
  ///   - name: defaults to "<directory name> <split>".
  /// - Throws: `DataError` naming the file and field for any missing, malformed or
  ///   inconsistent file.
  public static func mnistStyle(
    directory: URL, split: DatasetSplit, classCount: Int? = nil, name: String? = nil
  ) throws -> ImageClassificationDataset {
    let prefix = split.mnistPrefix
    let imagesURL = try findFile(
      in: directory, stems: ["\(prefix)-images-idx3-ubyte", "\(prefix)-images.idx3-ubyte"])
    let labelsURL = try findFile(
      in: directory, stems: ["\(prefix)-labels-idx1-ubyte", "\(prefix)-labels.idx1-ubyte"])
    let images = try IDXReader.read(contentsOf: imagesURL)
    let labels = try IDXReader.read(contentsOf: labelsURL)

    // Images: unsigned bytes, [N, H, W].
    let expectedImageMagic = IDXArray.magicNumber(IDXDataType.uint8.rawValue, 3)
    guard images.dataType == .uint8 && images.dimensions.count == 3 else {
      throw DataError(
        file: images.fileName, field: "magic number",
        problem: "\(IDXArray.hex(images.magicNumber)) (\(images.dataType.specificationName), "
          + "\(images.dimensions.count) dimensions), expected \(IDXArray.hex(expectedImageMagic)) "
          + "(unsigned byte, 3 dimensions)")
    }
    // Labels: integers, [N].
    guard labels.dataType.isInteger && labels.dimensions.count == 1 else {
      throw DataError(
        file: labels.fileName, field: "magic number",
        problem: "\(IDXArray.hex(labels.magicNumber)) (\(labels.dataType.specificationName), "
          + "\(labels.dimensions.count) dimensions), expected an integer type with 1 dimension "
          + "(usually \(IDXArray.hex(IDXArray.magicNumber(IDXDataType.uint8.rawValue, 1))))")
    }
    let imageCount = images.dimensions[0]
    guard labels.dimensions[0] == imageCount else {
      throw DataError(
        file: labels.fileName, field: "label count",
        problem: "\(labels.dimensions[0]), expected \(imageCount) to match the image count of "
          + "\(images.fileName)")
    }
    guard imageCount > 0 else {
      throw DataError(
        file: images.fileName, field: "image count", problem: "0, expected at least 1")
    }

    let values = labels.integerValues() ?? []
    let largest = values.max() ?? 0
    if let negative = values.firstIndex(where: { $0 < 0 }) {
      throw DataError(
        file: labels.fileName, field: "label \(negative)",
        problem: "is \(values[negative]), expected a class index ≥ 0")
    }
    if classCount == nil {
      try ClassCountCheck.check(values.map { Int32(clamping: $0) }, file: labels.fileName) { "label \($0)" }
    }
    let classes = classCount ?? (largest + 1)
    if let outOfRange = values.firstIndex(where: { $0 >= classes }) {
      throw DataError(
        file: labels.fileName, field: "label \(outOfRange)",
        problem: "is \(values[outOfRange]), expected a class index below the class count \(classes)"
      )
    }

    let pixels = images.withPayload { Array($0) }
    return ImageClassificationDataset(
      name: name ?? "\(directory.lastPathComponent) \(split.rawValue)", pixels: pixels,
      labels: values.map { Int32($0) },
      sampleShape: [1, images.dimensions[1], images.dimensions[2]],
      classCount: classes)
  }

  /// The first existing file among `stem` and `stem.gz` for each stem, in order.
  private static func findFile(in directory: URL, stems: [String]) throws -> URL {
    let candidates = stems.flatMap { [$0, $0 + ".gz"] }
    var present: [URL] = []
    for name in candidates {
      let url = directory.appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
        if !isDirectory.boolValue { return url }
        present.append(url)
      }
    }
    // Only directories by those names: say so rather than "not found".
    if let first = present.first {
      throw DataError(file: first.path, field: "file", problem: "is a directory, expected a file")
    }
    throw DataError(
      file: directory.path, field: stems[0],
      problem: "not found, expected a file named one of \(candidates.joined(separator: ", "))")
  }
}
