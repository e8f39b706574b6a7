/// Labelled 8-bit images held in memory: `pixels` is N × C × H × W bytes, row-major.
public struct ImageClassificationDataset: LabeledImageDataset {
  public let name: String
  /// All images, N × C × H × W, one byte per pixel (0 … 255).
  public let pixels: [UInt8]
  /// One label per image, each in 0 ..< classCount.
  public let labels: [Int32]
  /// [C, H, W].
  public let sampleShape: [Int]
  public let classCount: Int

  /// - Parameters:
  ///   - pixels: N · C · H · W bytes, where N = labels.count and [C, H, W] = sampleShape.
  ///   - labels: the class of each image, 0 ..< classCount.
  public init(
    name: String, pixels: [UInt8], labels: [Int32], sampleShape: [Int], classCount: Int
  ) {
    precondition(
      sampleShape.count == 3 && sampleShape.allSatisfy { $0 > 0 },
      "ImageClassificationDataset: sampleShape must be [C, H, W], got \(sampleShape)")
    precondition(
      pixels.count == labels.count * sampleShape.reduce(1, *),
      "ImageClassificationDataset: \(pixels.count) pixels for \(labels.count) images of "
        + "\(sampleShape)")
    precondition(
      labels.allSatisfy { $0 >= 0 && Int($0) < classCount },
      "ImageClassificationDataset: labels must be in 0..<\(classCount)")
    self.name = name
    self.pixels = pixels
    self.labels = labels
    self.sampleShape = sampleShape
    self.classCount = classCount
  }

  public var count: Int { labels.count }

  public func label(at index: Int) -> Int { Int(labels[index]) }

  public func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform
  ) {
    precondition(index >= 0 && index < count, "\(name): image index \(index) out of 0..<\(count)")
    let planeSize = sampleShape[1] * sampleShape[2]
    let sampleSize = sampleShape[0] * planeSize
    pixels.withUnsafeBufferPointer { all in
      guard let base = all.baseAddress else { return }
      for channel in 0..<sampleShape[0] {
        let offset = index * sampleSize + channel * planeSize
        transform.apply(
          base + offset, to: destination + channel * planeSize, count: planeSize, channel: channel)
      }
    }
  }
}
