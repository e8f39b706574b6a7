import ConvNetBase
import Foundation

/// The course's contrast normalisation, y = clip(0.5 + (x − μ)/(2·k·σ), 0, 1) with the
/// image's own mean and standard deviation (see `Image.contrastNormalized(k:)`).
public struct ContrastNormalization: ImageTransform {
  public let k: Float

  /// - Parameter k: standard deviations either side of the mean that fill [0, 1]; > 0.
  public init(k: Float = 2) {
    precondition(k > 0, "ContrastNormalization: k must be > 0, got \(k)")
    self.k = k
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    image.contrastNormalized(k: k)
  }
}

/// Contrast-limited adaptive histogram equalisation, as OpenCV's `createCLAHE` (see
/// `Image.equalizedCLAHE`). A tile grid larger than the image is shrunk to fit it.
public struct CLAHE: ImageTransform {
  public let clipLimit: Float
  public let tileColumns: Int
  public let tileRows: Int

  /// - Parameters:
  ///   - clipLimit: contrast limit in OpenCV's units, > 0.
  ///   - tileColumns: tiles across, ≥ 1.
  ///   - tileRows: tiles down, ≥ 1.
  public init(clipLimit: Float = 2, tileColumns: Int = 8, tileRows: Int = 8) {
    precondition(clipLimit > 0, "CLAHE: clipLimit must be > 0, got \(clipLimit)")
    precondition(
      tileColumns >= 1 && tileRows >= 1,
      "CLAHE: tile grid must be at least 1×1, got \(tileColumns)×\(tileRows)")
    self.clipLimit = clipLimit
    self.tileColumns = tileColumns
    self.tileRows = tileRows
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    guard image.width > 0 && image.height > 0 else { return image }
    return image.equalizedCLAHE(
      clipLimit: clipLimit, tileColumns: min(tileColumns, image.width),
      tileRows: min(tileRows, image.height))
  }
}

/// (x − mean[c]) / std[c] per channel (see `Image.normalized(mean:std:)`). Usually last.
public struct Normalize: ImageTransform {
  public let mean: [Float]
  public let std: [Float]

  /// The ImageNet RGB statistics used by torchvision's pretrained models.
  public static let imageNet = Normalize(
    mean: NormalizationPreset.imagenet.mean, std: NormalizationPreset.imagenet.standardDeviation)

  /// - Parameters:
  ///   - mean: one value per channel, or one value for all.
  ///   - std: one positive value per channel, or one value for all.
  public init(mean: [Float], std: [Float]) {
    precondition(!mean.isEmpty && !std.isEmpty, "Normalize: mean and std must not be empty")
    precondition(std.allSatisfy { $0 > 0 }, "Normalize: std must be > 0, got \(std)")
    self.mean = mean
    self.std = std
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    image.normalized(mean: mean, std: std)
  }

  /// Each of mean and std must have one value or one per channel.
  public func validate(channels: Int) throws {
    let channelWord = channels == 1 ? "1 channel" : "\(channels) channels"
    let expected = channels == 1 ? "1 value" : "1 value or \(channels)"
    for (field, values) in [("mean", mean), ("std", std)]
    where values.count != 1 && values.count != channels {
      throw ImageTransformError(
        transform: "Normalize",
        reason: "\(field) has \(values.count) values but the images have \(channelWord); "
          + "expected \(expected)")
    }
  }
}

/// Random brightness then contrast change (torchvision `ColorJitter(brightness, contrast)`,
/// but always in this order): brightness factor ~ U(max(0, 1 − brightness), 1 + brightness),
/// then contrast factor ~ U(max(0, 1 − contrast), 1 + contrast). A zero range draws nothing.
public struct ColorJitter: ImageTransform {
  public let brightness: Double
  public let contrast: Double

  /// - Parameters:
  ///   - brightness: largest relative brightness change, ≥ 0.
  ///   - contrast: largest relative contrast change, ≥ 0.
  public init(brightness: Double = 0, contrast: Double = 0) {
    precondition(
      brightness >= 0 && contrast >= 0,
      "ColorJitter: brightness and contrast must be ≥ 0, got \(brightness), \(contrast)")
    self.brightness = brightness
    self.contrast = contrast
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    var result = image
    if brightness > 0 {
      let factor = generator.uniform(max(0, 1 - brightness), 1 + brightness)
      result = result.adjustingBrightness(by: Float(factor))
    }
    if contrast > 0 {
      let factor = generator.uniform(max(0, 1 - contrast), 1 + contrast)
      result = result.adjustingContrast(by: Float(factor))
    }
    return result
  }
}

/// Random erasing (Zhong et al., "Random Erasing Data Augmentation", AAAI 2020), as
/// torchvision's `RandomErasing`: with probability `p`, up to 10 attempts draw an area
/// fraction s ~ U(scale) and aspect r = exp(U(log ratio)), h = round(√(s·A·r)),
/// w = round(√(s·A/r)); the first rectangle strictly smaller than the image is placed
/// uniformly and filled. If no attempt fits, the image is returned unchanged.
public struct RandomErasing: ImageTransform {
  /// What the erased rectangle is filled with.
  public enum Fill: Equatable, Sendable {
    /// The same value everywhere (0 = black; torchvision's default).
    case constant(Float)
    /// Independent uniform values in [0, 1) per pixel and channel — the paper's choice.
    case random
  }

  public let p: Double
  public let scale: ClosedRange<Double>
  public let ratio: ClosedRange<Double>
  public let fill: Fill

  /// - Parameters:
  ///   - p: probability of erasing at all, in [0, 1].
  ///   - scale: range of the rectangle's area as a fraction of the image's, within (0, 1].
  ///   - ratio: range of the rectangle's height/width, positive.
  ///   - fill: constant value or random noise.
  public init(
    p: Double = 0.5, scale: ClosedRange<Double> = 0.02...0.33,
    ratio: ClosedRange<Double> = 0.3...3.3, fill: Fill = .constant(0)
  ) {
    precondition((0...1).contains(p), "RandomErasing: p must be in [0, 1], got \(p)")
    precondition(
      scale.lowerBound > 0 && scale.upperBound <= 1,
      "RandomErasing: scale must lie in (0, 1], got \(scale)")
    precondition(ratio.lowerBound > 0, "RandomErasing: ratio must be positive, got \(ratio)")
    self.p = p
    self.scale = scale
    self.ratio = ratio
    self.fill = fill
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    guard generator.chance(p) else { return image }
    let area = Double(image.width * image.height)
    let logRatio = (log(ratio.lowerBound), log(ratio.upperBound))
    for _ in 0..<10 {
      let eraseArea = area * generator.uniform(scale.lowerBound, scale.upperBound)
      let aspect = exp(generator.uniform(logRatio.0, logRatio.1))
      let h = Int((eraseArea * aspect).squareRoot().rounded())
      let w = Int((eraseArea / aspect).squareRoot().rounded())
      guard h > 0 && w > 0 && h < image.height && w < image.width else { continue }
      let top = generator.integer(0, image.height - h)
      let left = generator.integer(0, image.width - w)
      switch fill {
      case .constant(let value):
        return image.erasing(x: left, y: top, width: w, height: h, value: value)
      case .random:
        return image.erasing(x: left, y: top, width: w, height: h) { _ in generator.nextUnitFloat()
        }
      }
    }
    return image
  }
}
