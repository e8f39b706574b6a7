import ConvNetBase
import Foundation

/// Resizes every image, either to a fixed size or so that its shorter side has a given length
/// (torchvision `Resize`). Bilinear, antialiased when shrinking (see `Image.resized`).
public struct Resize: ImageTransform {
  /// The target: an exact size, or the length of the shorter side with the aspect kept.
  public enum Target: Equatable, Sendable {
    case size(width: Int, height: Int)
    case shorterSide(Int)
  }

  public let target: Target

  /// Resize to exactly `width`×`height`.
  public init(width: Int, height: Int) {
    precondition(width > 0 && height > 0, "Resize: size must be positive, got \(width)×\(height)")
    target = .size(width: width, height: height)
  }

  /// Resize so the shorter side is `shorterSide` pixels, keeping the aspect ratio.
  public init(shorterSide: Int) {
    precondition(shorterSide > 0, "Resize: shorterSide must be positive, got \(shorterSide)")
    target = .shorterSide(shorterSide)
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    switch target {
    case .size(let width, let height): return image.resized(width: width, height: height)
    case .shorterSide(let side): return image.resized(shorterSide: side)
    }
  }
}

/// Cuts out the central `width`×`height` window (see `Image.centerCropped`).
public struct CenterCrop: ImageTransform {
  public let width: Int
  public let height: Int

  /// A `width`×`height` centre crop.
  public init(width: Int, height: Int) {
    precondition(
      width > 0 && height > 0, "CenterCrop: size must be positive, got \(width)×\(height)")
    self.width = width
    self.height = height
  }

  /// A square `size`×`size` centre crop.
  public init(size: Int) { self.init(width: size, height: size) }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    image.centerCropped(width: width, height: height)
  }
}

/// Pads the image by `padding` zero pixels on every side, then cuts a `size`×`size` window at
/// a uniformly random position (torchvision `RandomCrop(size, padding)`; the CIFAR recipe is
/// size 32, padding 4). If the padded image is smaller than the window along an axis, the
/// window is centred on that axis and the rest zero-filled instead of failing.
public struct RandomCrop: ImageTransform {
  public let size: Int
  public let padding: Int

  /// - Parameters:
  ///   - size: side of the square output, ≥ 1.
  ///   - padding: zero border added on each side before cropping, ≥ 0.
  public init(size: Int, padding: Int = 0) {
    precondition(size > 0, "RandomCrop: size must be positive, got \(size)")
    precondition(padding >= 0, "RandomCrop: padding must be ≥ 0, got \(padding)")
    self.size = size
    self.padding = padding
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    // Offsets are positions in the padded image; subtracting `padding` gives source coordinates.
    func offset(_ length: Int) -> Int {
      let slack = length + 2 * padding - size
      let start = slack >= 0 ? generator.integer(0, slack) : Int((Double(slack) / 2).rounded(.down))
      return start - padding
    }
    let x = offset(image.width)
    let y = offset(image.height)
    return image.cropped(x: x, y: y, width: size, height: size)
  }
}

/// Crops a random window of random area and aspect ratio and resizes it to `size`×`size` —
/// torchvision's `RandomResizedCrop`, the standard ImageNet training augmentation.
///
/// Up to 10 attempts: area fraction s ~ U(scale), aspect r = exp(U(log ratio)),
/// w = round(√(s·A·r)), h = round(√(s·A/r)); the first window that fits is placed uniformly.
/// If none fits, the largest centred window whose aspect is clamped into `ratio` is used.
public struct RandomResizedCrop: ImageTransform {
  public let size: Int
  public let scale: ClosedRange<Double>
  public let ratio: ClosedRange<Double>

  /// - Parameters:
  ///   - size: side of the square output.
  ///   - scale: range of the crop's area as a fraction of the image's, within (0, 1].
  ///   - ratio: range of the crop's width/height, positive.
  public init(
    size: Int, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = 0.75...(4.0 / 3)
  ) {
    precondition(size > 0, "RandomResizedCrop: size must be positive, got \(size)")
    precondition(
      scale.lowerBound > 0 && scale.upperBound <= 1,
      "RandomResizedCrop: scale must lie in (0, 1], got \(scale)")
    precondition(ratio.lowerBound > 0, "RandomResizedCrop: ratio must be positive, got \(ratio)")
    self.size = size
    self.scale = scale
    self.ratio = ratio
  }

  /// The window (left, top, width, height) that `apply` would crop from a
  /// `width`×`height` image, drawing from `generator` exactly as `apply` does.
  public func window(width: Int, height: Int, using generator: inout SeededGenerator)
    -> (x: Int, y: Int, width: Int, height: Int)
  {
    let area = Double(width * height)
    let logRatio = (log(ratio.lowerBound), log(ratio.upperBound))
    for _ in 0..<10 {
      let targetArea = area * generator.uniform(scale.lowerBound, scale.upperBound)
      let aspect = exp(generator.uniform(logRatio.0, logRatio.1))
      let w = Int((targetArea * aspect).squareRoot().rounded())
      let h = Int((targetArea / aspect).squareRoot().rounded())
      if w > 0 && w <= width && h > 0 && h <= height {
        let top = generator.integer(0, height - h)
        let left = generator.integer(0, width - w)
        return (left, top, w, h)
      }
    }
    // Fallback: a centred crop of the whole image with its aspect clamped into `ratio`.
    let imageRatio = Double(width) / Double(height)
    var w = width
    var h = height
    if imageRatio < ratio.lowerBound {
      h = max(1, Int((Double(w) / ratio.lowerBound).rounded()))
    } else if imageRatio > ratio.upperBound {
      w = max(1, Int((Double(h) * ratio.upperBound).rounded()))
    }
    return ((width - w) / 2, (height - h) / 2, w, h)
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    let crop = window(width: image.width, height: image.height, using: &generator)
    return image.cropped(x: crop.x, y: crop.y, width: crop.width, height: crop.height)
      .resized(width: size, height: size)
  }
}

/// Mirrors the image left–right with probability `p`.
public struct RandomHorizontalFlip: ImageTransform {
  public let p: Double

  /// - Parameter p: flip probability in [0, 1].
  public init(_ p: Double = 0.5) {
    precondition((0...1).contains(p), "RandomHorizontalFlip: p must be in [0, 1], got \(p)")
    self.p = p
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    generator.chance(p) ? image.flippedHorizontally() : image
  }
}

/// Mirrors the image top–bottom with probability `p`.
public struct RandomVerticalFlip: ImageTransform {
  public let p: Double

  /// - Parameter p: flip probability in [0, 1].
  public init(_ p: Double = 0.5) {
    precondition((0...1).contains(p), "RandomVerticalFlip: p must be in [0, 1], got \(p)")
    self.p = p
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    generator.chance(p) ? image.flippedVertically() : image
  }
}
