import ConvNetImage

/// Another dataset seen at a different sample shape [C, H, W]: channels converted (grey is
/// replicated to RGB; RGB becomes grey by ITU-R 601 luma) and images brought to H×W.
///
/// Spatially, an image a little smaller than the target (at most 8 pixels in each direction) is
/// zero-padded around the centre — 28×28 digits become 32×32 exactly as LeNet-5 (1998) was
/// fed — and any other change is a bilinear resize (antialiased when shrinking).
public struct ResampledDataset: LabeledImageDataset {
  public let base: any LabeledImageDataset
  public let sampleShape: [Int]
  /// True when the images are padded rather than resized.
  public let pads: Bool

  public init(_ base: any LabeledImageDataset, sampleShape: [Int]) {
    precondition(
      sampleShape.count == 3 && sampleShape.allSatisfy { $0 > 0 },
      "ResampledDataset: sample shape must be [C, H, W], got \(sampleShape)")
    precondition(
      sampleShape[0] == 1 || sampleShape[0] == 3,
      "ResampledDataset: 1 or 3 channels, got \(sampleShape[0])")
    self.base = base
    self.sampleShape = sampleShape
    let (sourceHeight, sourceWidth) = (base.sampleShape[1], base.sampleShape[2])
    let extraHeight = sampleShape[1] - sourceHeight
    let extraWidth = sampleShape[2] - sourceWidth
    pads = (0...8).contains(extraHeight) && (0...8).contains(extraWidth)
  }

  public var name: String { base.name }
  public var count: Int { base.count }
  public var classCount: Int { base.classCount }
  public func label(at index: Int) -> Int { base.label(at: index) }

  public func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform
  ) {
    let source = base.sampleShape
    var pixels = [Float](repeating: 0, count: base.sampleElementCount)
    pixels.withUnsafeMutableBufferPointer { buffer in
      base.writeImage(at: index, into: buffer.baseAddress!, transform: .unitRange)
    }
    var image = Image(width: source[2], height: source[1], channels: source[0], pixels: pixels)
    let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
    if image.channels != channels { image = channels == 1 ? image.grayscale() : image.rgb() }
    if image.width != width || image.height != height {
      image =
        pads
        ? image.cropped(
          x: -(width - image.width) / 2, y: -(height - image.height) / 2, width: width,
          height: height)
        : image.resized(width: width, height: height)
    }
    let plane = height * width
    image.pixels.withUnsafeBufferPointer { values in
      for channel in 0..<channels {
        transform.apply(
          unitValues: values.baseAddress! + channel * plane, to: destination + channel * plane,
          count: plane, channel: channel)
      }
    }
  }
}
