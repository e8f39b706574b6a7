import ConvNetData
import ConvNetImage
import ConvNetTensor
import Foundation

/// One image file made into a network input the way the data pipeline makes dataset images:
/// decoded by `ImageDecoder` (PNG, JPEG), converted to the network's channels (grey copied to
/// RGB, RGB to ITU-R 601 luma, alpha dropped) and brought to its size by `ResampledDataset`'s
/// rule (zero-padded around the centre when at most 8 pixels smaller in each direction — a
/// 28×28 digit for a 32×32 network —, bilinearly resized otherwise), then normalised by a
/// `PixelTransform`.
public enum NetworkInput {
  /// The image at `url` fitted to `sampleShape` [C, H, W] (C = 1 or 3), values in [0, 1].
  /// - Throws: `InsightError` naming the file when it cannot be read or for a bad shape; the
  ///   decoder's `ImageDecodingError` (naming the file) when it is not a readable PNG or JPEG.
  public static func fittedImage(contentsOf url: URL, sampleShape: [Int]) throws -> Image {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw InsightError("\(url.path): cannot read the image file (\(error.localizedDescription))")
    }
    return try fitted(ImageDecoder.decode(data, name: url.lastPathComponent), to: sampleShape)
  }

  /// `image` fitted to `sampleShape` [C, H, W] (C = 1 or 3), values in [0, 1].
  public static func fitted(_ image: Image, to sampleShape: [Int]) throws -> Image {
    guard sampleShape.count == 3, sampleShape[0] == 1 || sampleShape[0] == 3,
      sampleShape[1] >= 1, sampleShape[2] >= 1
    else {
      throw InsightError("a network input must be [C, H, W] with 1 or 3 channels, got \(sampleShape)")
    }
    guard image.width >= 1, image.height >= 1 else { throw InsightError("the image is empty") }
    let source = SingleImage(image: image)
    let fitted: any LabeledImageDataset =
      source.sampleShape == sampleShape ? source : ResampledDataset(source, sampleShape: sampleShape)
    var pixels = [Float](repeating: 0, count: sampleShape.reduce(1, *))
    pixels.withUnsafeMutableBufferPointer {
      fitted.writeImage(at: 0, into: $0.baseAddress!, transform: .unitRange)
    }
    return Image(width: sampleShape[2], height: sampleShape[1], channels: sampleShape[0], pixels: pixels)
  }

  /// `image` normalised by `transform` as a batch of one, [1, C, H, W].
  public static func tensor(from image: Image, transform: PixelTransform = .unitRange) -> Tensor {
    let plane = image.width * image.height
    var values = [Float](repeating: 0, count: image.pixels.count)
    image.pixels.withUnsafeBufferPointer { source in
      values.withUnsafeMutableBufferPointer { destination in
        for channel in 0..<image.channels {
          transform.apply(
            unitValues: source.baseAddress! + channel * plane,
            to: destination.baseAddress! + channel * plane, count: plane, channel: channel)
        }
      }
    }
    return Tensor(shape: [1, image.channels, image.height, image.width], scalars: values)
  }
}

/// One decoded image seen as a dataset of one sample, so that `ResampledDataset` fits it
/// exactly as it fits dataset images.
private struct SingleImage: LabeledImageDataset {
  let image: Image
  var name: String { "image" }
  var count: Int { 1 }
  var sampleShape: [Int] { [image.channels, image.height, image.width] }
  var classCount: Int { 1 }
  func label(at index: Int) -> Int { 0 }
  func writeImage(at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform) {
    let plane = image.width * image.height
    image.pixels.withUnsafeBufferPointer { values in
      for channel in 0..<image.channels {
        transform.apply(
          unitValues: values.baseAddress! + channel * plane, to: destination + channel * plane,
          count: plane, channel: channel)
      }
    }
  }
}
