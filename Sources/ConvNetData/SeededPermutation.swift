import ConvNetBase

/// Reproducible shuffles: the same seed gives the same order on every platform and toolchain.
///
/// The standard library's `shuffled(using:)` does not promise a fixed algorithm across Swift
/// versions, so this is an explicit Fisher–Yates shuffle with Lemire's unbiased bounded
/// random integers.
public enum SeededPermutation {
  /// A permutation of 0 ..< count drawn from `generator`.
  public static func permutation(count: Int, using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    var i = count - 1
    while i > 0 {
      let j = Int(uniform(below: UInt64(i + 1), using: &generator))
      order.swapAt(i, j)
      i -= 1
    }
    return order
  }

  /// The permutation for `epoch` of a run seeded with `seed`: each epoch gets its own
  /// generator, seeded by mixing `seed` with the epoch number, so epochs can be replayed
  /// independently (e.g. after resuming from a checkpoint).
  public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
    var generator = SeededGenerator(
      seed: mix(seed ^ mix(UInt64(truncatingIfNeeded: epoch) &+ 0x632B_E59B_D9B4_E019)))
    return permutation(count: count, using: &generator)
  }

  /// A uniform integer in 0 ..< bound (Lemire 2019, "Fast Random Integer Generation in an
  /// Interval"): the high half of a 64×64-bit product, rejecting the few biased low halves.
  static func uniform(below bound: UInt64, using generator: inout SeededGenerator) -> UInt64 {
    var (high, low) = generator.next().multipliedFullWidth(by: bound)
    if low < bound {
      let threshold = (0 &- bound) % bound
      while low < threshold {
        (high, low) = generator.next().multipliedFullWidth(by: bound)
      }
    }
    return high
  }

  /// The SplitMix64 finaliser: a bijective 64-bit hash, so nearby inputs give unrelated seeds.
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
