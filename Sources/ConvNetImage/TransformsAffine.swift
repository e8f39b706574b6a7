import ConvNetBase

/// Rotates by an angle drawn uniformly from [−degrees, degrees] about the image centre
/// (positive = counter-clockwise on screen); uncovered corners are `fill`.
public struct RandomRotation: ImageTransform {
  public let degrees: Double
  public let fill: Float

  /// - Parameter degrees: largest rotation either way, ≥ 0.
  public init(_ degrees: Double, fill: Float = 0) {
    precondition(degrees >= 0, "RandomRotation: degrees must be ≥ 0, got \(degrees)")
    self.degrees = degrees
    self.fill = fill
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    image.rotated(degrees: generator.uniform(-degrees, degrees), fill: fill)
  }
}

/// A random rotation, translation, scaling and shear in one bilinear resampling (one blur
/// instead of one per step) — the course's "shift/rotate/scale ±10 %" is
/// `RandomAffine(degrees: 10, translate: 0.1, scale: 0.1)`.
///
/// Drawn in this order, as torchvision's `RandomAffine.get_params`:
/// angle ~ U(−degrees, degrees); shifts dx ~ U(−translate·width, translate·width) and likewise
/// dy, each rounded to whole pixels; factor ~ U(1 − scale, 1 + scale); shear angle
/// ~ U(−shear, shear). The image is sheared, scaled and rotated about its centre, then shifted.
/// Components whose range is zero draw nothing.
public struct RandomAffine: ImageTransform {
  public let degrees: Double
  public let translate: Double
  public let scale: Double
  public let shear: Double
  public let fill: Float

  /// - Parameters:
  ///   - degrees: largest rotation either way, ≥ 0.
  ///   - translate: largest shift as a fraction of width (x) and height (y), in [0, 1].
  ///   - scale: largest relative size change, in [0, 1): factor in [1 − scale, 1 + scale].
  ///   - shear: largest horizontal shear angle either way in degrees, in [0, 90).
  ///   - fill: value for pixels that come from outside the image.
  public init(
    degrees: Double = 0, translate: Double = 0, scale: Double = 0, shear: Double = 0,
    fill: Float = 0
  ) {
    precondition(degrees >= 0, "RandomAffine: degrees must be ≥ 0, got \(degrees)")
    precondition(
      (0...1).contains(translate), "RandomAffine: translate must be in [0, 1], got \(translate)")
    precondition(scale >= 0 && scale < 1, "RandomAffine: scale must be in [0, 1), got \(scale)")
    precondition(shear >= 0 && shear < 90, "RandomAffine: shear must be in [0, 90), got \(shear)")
    self.degrees = degrees
    self.translate = translate
    self.scale = scale
    self.shear = shear
    self.fill = fill
  }

  /// The map `apply` would use for a `width`×`height` image, drawing from `generator` exactly
  /// as `apply` does.
  public func transform(width: Int, height: Int, using generator: inout SeededGenerator)
    -> AffineTransform
  {
    let angle = degrees > 0 ? generator.uniform(-degrees, degrees) : 0
    var dx = 0.0
    var dy = 0.0
    if translate > 0 {
      let maxX = translate * Double(width)
      let maxY = translate * Double(height)
      dx = generator.uniform(-maxX, maxX).rounded()
      dy = generator.uniform(-maxY, maxY).rounded()
    }
    let factor = scale > 0 ? generator.uniform(1 - scale, 1 + scale) : 1
    let shearAngle = shear > 0 ? generator.uniform(-shear, shear) : 0
    let centre = (x: Double(width - 1) / 2, y: Double(height - 1) / 2)
    return AffineTransform.shear(degrees: shearAngle, about: centre)
      .followed(by: .scaling(by: factor, about: centre))
      .followed(by: .rotation(degrees: angle, about: centre))
      .followed(by: .translation(x: dx, y: dy))
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    let map = transform(width: image.width, height: image.height, using: &generator)
    return map == .identity ? image : image.warped(by: map, fill: fill)
  }
}
