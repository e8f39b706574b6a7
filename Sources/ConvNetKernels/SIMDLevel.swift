import CConvNetKernels

/// The instruction set the C kernels (GEMM, convolution tiles, Winograd transforms, depthwise,
/// pooling) run on. Chosen at run time: the best the CPU has, unless the environment variable
/// `CONVNET_SIMD` (`portable`, `avx2`, `avx512`) or `SIMDLevel.activate(_:)` asks for a lower
/// one — so that tests can run every path a machine supports, and a comparison can show what
/// each level is worth. A `CONVNET_SIMD` the CPU cannot run (or not one of those names) falls
/// back to the best level the CPU has, with a one-line warning on stderr; no level the CPU
/// lacks is ever run.
public enum SIMDLevel: Int32, CaseIterable, Comparable, Sendable, CustomStringConvertible {
  /// Plain C that the compiler vectorises for the baseline of the target (SSE2 on x86-64).
  case portable = 0
  /// AVX2 + FMA (Haswell, Zen and later).
  case avx2 = 1
  /// AVX-512 F, VL, BW and DQ + FMA (Skylake-SP, Ice Lake, Sapphire Rapids, Zen 4 and later).
  case avx512 = 2

  /// The name `CONVNET_SIMD` takes.
  public var description: String {
    switch self {
    case .portable: "portable"
    case .avx2: "avx2"
    case .avx512: "avx512"
    }
  }

  /// The level named `name` (`portable`, `avx2`, `avx512`), or nil.
  public init?(name: String) {
    guard let level = SIMDLevel.allCases.first(where: { $0.description == name }) else {
      return nil
    }
    self = level
  }

  public static func < (lhs: SIMDLevel, rhs: SIMDLevel) -> Bool { lhs.rawValue < rhs.rawValue }

  /// The best level this CPU runs.
  public static var best: SIMDLevel { SIMDLevel(rawValue: cn_simd_detected_level()) ?? .portable }

  /// The level the kernels run now.
  public static var active: SIMDLevel { SIMDLevel(rawValue: cn_simd_level()) ?? .portable }

  /// Whether this CPU runs `self`.
  public var isSupported: Bool { self <= SIMDLevel.best }

  /// Makes every later kernel call, on every thread, run `level`.
  /// - Throws: `SIMDLevelError.unsupported` when this CPU lacks it (nothing changes).
  public static func activate(_ level: SIMDLevel) throws {
    if cn_simd_set_level(level.rawValue) != 0 {
      throw SIMDLevelError.unsupported(requested: level, best: best)
    }
  }

  /// Runs `body` with `level` active, then restores the level that was active before. Not for
  /// concurrent use (the level is global): meant for tests and measurements.
  public static func withActive<R>(_ level: SIMDLevel, _ body: () throws -> R) throws -> R {
    let previous = active
    try activate(level)
    defer { try? activate(previous) }
    return try body()
  }
}

/// Why a SIMD level could not be activated.
public enum SIMDLevelError: Error, CustomStringConvertible, Equatable {
  case unsupported(requested: SIMDLevel, best: SIMDLevel)

  public var description: String {
    switch self {
    case .unsupported(let requested, let best):
      "SIMD level \(requested) is not supported by this CPU (the best it runs is \(best))"
    }
  }
}
