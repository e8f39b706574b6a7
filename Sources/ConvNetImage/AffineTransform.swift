import Foundation

/// A 2-D affine map of pixel coordinates: x′ = a·x + b·y + tx, y′ = c·x + d·y + ty.
///
/// Coordinates are pixel indices — (0, 0) is the centre of the top-left pixel, x grows to the
/// right and y grows **downward**. The map sends a point of the source image to where it
/// appears in the warped image (see `Image.warped(by:)`).
///
/// Angles follow torchvision: a positive angle rotates the picture **counter-clockwise** as
/// seen on screen.
public struct AffineTransform: Equatable, Sendable {
  public var a: Double
  public var b: Double
  public var c: Double
  public var d: Double
  public var tx: Double
  public var ty: Double

  /// The map x′ = a·x + b·y + tx, y′ = c·x + d·y + ty.
  public init(a: Double, b: Double, c: Double, d: Double, tx: Double, ty: Double) {
    self.a = a
    self.b = b
    self.c = c
    self.d = d
    self.tx = tx
    self.ty = ty
  }

  /// The map that leaves every point where it is.
  public static let identity = AffineTransform(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

  /// A shift by (`x`, `y`) pixels (positive = right, down).
  public static func translation(x: Double, y: Double) -> AffineTransform {
    AffineTransform(a: 1, b: 0, c: 0, d: 1, tx: x, ty: y)
  }

  /// A counter-clockwise (on screen) rotation by `degrees` about `centre`.
  public static func rotation(degrees: Double, about centre: (x: Double, y: Double))
    -> AffineTransform
  {
    // With y pointing down, an on-screen counter-clockwise turn is the matrix
    // [cos θ, sin θ; −sin θ, cos θ]: the point to the right of the centre moves up.
    let radians = degrees * Double.pi / 180
    let cosine = cos(radians)
    let sine = sin(radians)
    let linear = AffineTransform(a: cosine, b: sine, c: -sine, d: cosine, tx: 0, ty: 0)
    return linear.about(centre)
  }

  /// Uniform scaling by `factor` about `centre` (factor > 1 enlarges the picture).
  public static func scaling(by factor: Double, about centre: (x: Double, y: Double))
    -> AffineTransform
  {
    AffineTransform(a: factor, b: 0, c: 0, d: factor, tx: 0, ty: 0).about(centre)
  }

  /// A horizontal shear by `degrees` about `centre`: x′ = x + tan(degrees)·(y − centre.y), so
  /// rows below the centre slide right for a positive angle.
  public static func shear(degrees: Double, about centre: (x: Double, y: Double))
    -> AffineTransform
  {
    let slope = tan(degrees * Double.pi / 180)
    return AffineTransform(a: 1, b: slope, c: 0, d: 1, tx: 0, ty: 0).about(centre)
  }

  /// `self` applied first, then `next`.
  public func followed(by next: AffineTransform) -> AffineTransform {
    AffineTransform(
      a: next.a * a + next.b * c, b: next.a * b + next.b * d,
      c: next.c * a + next.d * c, d: next.c * b + next.d * d,
      tx: next.a * tx + next.b * ty + next.tx, ty: next.c * tx + next.d * ty + next.ty)
  }

  /// The inverse map, or nil when the linear part is singular (e.g. a zero scale).
  public var inverted: AffineTransform? {
    let determinant = a * d - b * c
    guard abs(determinant) > 1e-12 else { return nil }
    let ia = d / determinant
    let ib = -b / determinant
    let ic = -c / determinant
    let id = a / determinant
    return AffineTransform(
      a: ia, b: ib, c: ic, d: id, tx: -(ia * tx + ib * ty), ty: -(ic * tx + id * ty))
  }

  /// Where the point (`x`, `y`) goes.
  public func apply(x: Double, y: Double) -> (x: Double, y: Double) {
    (a * x + b * y + tx, c * x + d * y + ty)
  }

  /// This linear map conjugated so that `centre`, not the origin, is the fixed point.
  private func about(_ centre: (x: Double, y: Double)) -> AffineTransform {
    AffineTransform.translation(x: -centre.x, y: -centre.y)
      .followed(by: self)
      .followed(by: .translation(x: centre.x, y: centre.y))
  }
}
