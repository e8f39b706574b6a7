import ConvNetTensor

/// One preprocessing or augmentation step: an image in, an image out.
///
/// Random transforms draw everything they need from `generator` and nothing else, so the same
/// generator state gives the same output. Deterministic transforms ignore it. Transforms are
/// values (structs of numbers) and safe to share between threads.
public protocol ImageTransform: Sendable {
  /// The transformed image; random choices come from `generator`.
  func apply(_ image: Image, using generator: inout SeededGenerator) -> Image
}

extension SeededGenerator {
  /// A uniform value in [low, high] (high itself has probability zero).
  mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * Double(nextUnitFloat())
  }

  /// A uniform integer in low...high, both inclusive (Python's `randint(low, high)`).
  mutating func integer(_ low: Int, _ high: Int) -> Int {
    Int.random(in: low...high, using: &self)
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool {
    Double(nextUnitFloat()) < p
  }
}
