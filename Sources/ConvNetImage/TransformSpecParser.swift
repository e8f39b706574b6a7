import Foundation

/// A malformed augmentation spec: which token, and what was expected instead.
public struct TransformSpecError: Error, Equatable, CustomStringConvertible, LocalizedError {
  /// The whole offending token as written, e.g. `"rotate:abc"`.
  public let token: String
  /// What is wrong and what would be accepted.
  public let reason: String

  public var description: String { "augmentation spec: bad token \"\(token)\": \(reason)" }
  public var errorDescription: String? { description }
}

/// Parser for augmentation specs on the command line.
///
/// Grammar: steps separated by commas, each `name[:arg[:arg]]`; spaces around steps are
/// ignored; the empty string is the empty pipeline. Numbers are decimal (`0.1`, `10`, `1e-2`).
///
/// | step                      | transform                                                 |
/// |---------------------------|-----------------------------------------------------------|
/// | `resize:S`, `resize:W:H`  | `Resize(shorterSide: S)`, `Resize(width: W, height: H)`   |
/// | `center-crop:S[:H]`       | `CenterCrop(size: S)` or `CenterCrop(width: S, height: H)`|
/// | `crop:S[:P]`              | `RandomCrop(size: S, padding: P)`, P defaults to 0        |
/// | `resized-crop:S[:MIN]`    | `RandomResizedCrop(size: S, scale: MIN...1)`, MIN 0.08    |
/// | `flip-h[:P]`, `flip-v[:P]`| `RandomHorizontalFlip(P)` / `RandomVerticalFlip(P)`, 0.5  |
/// | `rotate:D`                | rotation in ±D degrees                                    |
/// | `translate:F`             | shift by up to ±F of width and height                     |
/// | `scale:F`                 | zoom by a factor in [1 − F, 1 + F]                        |
/// | `shear:D`                 | horizontal shear in ±D degrees                            |
/// | `contrast-norm[:K]`       | `ContrastNormalization(k: K)`, K defaults to 2            |
/// | `clahe[:CLIP[:GRID]]`     | `CLAHE(clipLimit: CLIP, GRID×GRID tiles)`, 2 and 8        |
/// | `jitter:B[:C]`            | `ColorJitter(brightness: B, contrast: C)`, C defaults to B|
/// | `normalize:imagenet`      | `Normalize.imageNet`                                      |
/// | `normalize:M:S`           | `Normalize(mean: [M], std: [S])` on every channel         |
/// | `erase[:P]`               | `RandomErasing(p: P)`, P defaults to 0.5                  |
///
/// Adjacent `rotate`, `translate`, `scale` and `shear` steps are merged into one
/// `RandomAffine`, so the image is resampled once rather than once per step; naming the same
/// one twice in a row starts a new `RandomAffine`.
public enum TransformSpecParser {
  /// Every step's usage, as listed in error messages.
  public static let validSteps = [
    "resize:S|resize:W:H", "center-crop:S[:H]", "crop:S[:P]", "resized-crop:S[:MIN]",
    "flip-h[:P]", "flip-v[:P]", "rotate:D", "translate:F", "scale:F", "shear:D",
    "contrast-norm[:K]", "clahe[:CLIP[:GRID]]", "jitter:B[:C]", "normalize:imagenet|normalize:M:S",
    "erase[:P]",
  ]

  /// The transforms described by `spec`, in order.
  ///
  /// - Throws: `TransformSpecError` for an empty step, an unknown name, a wrong number of
  ///   arguments or an argument that is not a number in the allowed range.
  public static func parse(_ spec: String) throws -> [any ImageTransform] {
    let trimmed = spec.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { return [] }
    var transforms: [any ImageTransform] = []
    var pendingAffine: AffineParts? = nil
    for rawToken in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
      let token = rawToken.trimmingCharacters(in: .whitespaces)
      let step = try parseStep(token)
      switch step {
      case .affine(let part, let value):
        if var parts = pendingAffine, parts.value(of: part) == nil {
          parts.set(part, value)
          pendingAffine = parts
        } else {
          if let parts = pendingAffine { transforms.append(parts.transform) }
          var parts = AffineParts()
          parts.set(part, value)
          pendingAffine = parts
        }
      case .transform(let transform):
        if let parts = pendingAffine { transforms.append(parts.transform) }
        pendingAffine = nil
        transforms.append(transform)
      }
    }
    if let parts = pendingAffine { transforms.append(parts.transform) }
    return transforms
  }

  private enum AffinePart { case rotate, translate, scale, shear }

  /// A `RandomAffine` being assembled from adjacent steps.
  private struct AffineParts {
    var values: [AffinePart: Double] = [:]
    func value(of part: AffinePart) -> Double? { values[part] }
    mutating func set(_ part: AffinePart, _ value: Double) { values[part] = value }
    var transform: RandomAffine {
      RandomAffine(
        degrees: values[.rotate] ?? 0, translate: values[.translate] ?? 0,
        scale: values[.scale] ?? 0, shear: values[.shear] ?? 0)
    }
  }

  private enum Step {
    case transform(any ImageTransform)
    case affine(AffinePart, Double)
  }

  private static func parseStep(_ token: String) throws -> Step {
    func fail(_ reason: String) -> TransformSpecError {
      TransformSpecError(token: token, reason: reason)
    }
    guard !token.isEmpty else {
      throw fail("empty step (two commas in a row, or a trailing comma?)")
    }
    let fields = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    let name = fields[0]
    let arguments = Array(fields.dropFirst())

    /// Checks the argument count against `allowed` and names the accepted forms otherwise.
    func expectArguments(_ allowed: ClosedRange<Int>, usage: String) throws {
      guard allowed.contains(arguments.count) else {
        throw fail("\(name) takes \(describe(allowed)), got \(arguments.count); usage: \(usage)")
      }
    }
    /// Argument `index` (0-based) as a finite number satisfying `isValid`.
    func number(_ index: Int, _ expected: String, _ isValid: (Double) -> Bool) throws -> Double {
      let text = arguments[index]
      guard let value = Double(text), value.isFinite, isValid(value) else {
        throw fail("argument \(index + 1) \"\(text)\" must be \(expected)")
      }
      return value
    }
    func positiveInteger(_ index: Int, _ what: String) throws -> Int {
      let text = arguments[index]
      guard let value = Int(text), value > 0 else {
        throw fail("argument \(index + 1) \"\(text)\" must be \(what), a whole number ≥ 1")
      }
      return value
    }
    func nonNegativeInteger(_ index: Int, _ what: String) throws -> Int {
      let text = arguments[index]
      guard let value = Int(text), value >= 0 else {
        throw fail("argument \(index + 1) \"\(text)\" must be \(what), a whole number ≥ 0")
      }
      return value
    }
    func probability(_ index: Int) throws -> Double {
      arguments.count > index
        ? try number(index, "a probability in [0, 1]") { (0...1).contains($0) } : 0.5
    }

    switch name {
    case "resize":
      try expectArguments(1...2, usage: "resize:S or resize:W:H")
      if arguments.count == 1 {
        return .transform(Resize(shorterSide: try positiveInteger(0, "the shorter side")))
      }
      return .transform(
        Resize(
          width: try positiveInteger(0, "the width"), height: try positiveInteger(1, "the height")))
    case "center-crop":
      try expectArguments(1...2, usage: "center-crop:S or center-crop:W:H")
      let width = try positiveInteger(0, "the crop width")
      let height = arguments.count == 2 ? try positiveInteger(1, "the crop height") : width
      return .transform(CenterCrop(width: width, height: height))
    case "crop":
      try expectArguments(1...2, usage: "crop:S[:P]")
      let size = try positiveInteger(0, "the crop size")
      let padding = arguments.count == 2 ? try nonNegativeInteger(1, "the padding") : 0
      return .transform(RandomCrop(size: size, padding: padding))
    case "resized-crop":
      try expectArguments(1...2, usage: "resized-crop:S[:MIN]")
      let size = try positiveInteger(0, "the output size")
      let minimum =
        arguments.count == 2
        ? try number(1, "the smallest area fraction, in (0, 1]") { $0 > 0 && $0 <= 1 } : 0.08
      return .transform(RandomResizedCrop(size: size, scale: minimum...1))
    case "flip-h":
      try expectArguments(0...1, usage: "flip-h[:P]")
      return .transform(RandomHorizontalFlip(try probability(0)))
    case "flip-v":
      try expectArguments(0...1, usage: "flip-v[:P]")
      return .transform(RandomVerticalFlip(try probability(0)))
    case "rotate":
      try expectArguments(1...1, usage: "rotate:D")
      return .affine(.rotate, try number(0, "an angle in degrees ≥ 0") { $0 >= 0 })
    case "translate":
      try expectArguments(1...1, usage: "translate:F")
      return .affine(
        .translate, try number(0, "a fraction of the size in [0, 1]") { (0...1).contains($0) })
    case "scale":
      try expectArguments(1...1, usage: "scale:F")
      return .affine(
        .scale, try number(0, "a relative size change in [0, 1)") { $0 >= 0 && $0 < 1 })
    case "shear":
      try expectArguments(1...1, usage: "shear:D")
      return .affine(.shear, try number(0, "an angle in degrees in [0, 90)") { $0 >= 0 && $0 < 90 })
    case "contrast-norm":
      try expectArguments(0...1, usage: "contrast-norm[:K]")
      let k =
        arguments.count == 1 ? try number(0, "a number of standard deviations > 0") { $0 > 0 } : 2
      return .transform(ContrastNormalization(k: Float(k)))
    case "clahe":
      try expectArguments(0...2, usage: "clahe[:CLIP[:GRID]]")
      let clip = arguments.count >= 1 ? try number(0, "a clip limit > 0") { $0 > 0 } : 2
      let grid = arguments.count == 2 ? try positiveInteger(1, "the tiles per side") : 8
      return .transform(CLAHE(clipLimit: Float(clip), tileColumns: grid, tileRows: grid))
    case "jitter":
      try expectArguments(1...2, usage: "jitter:B[:C]")
      let brightness = try number(0, "a brightness range ≥ 0") { $0 >= 0 }
      let contrast =
        arguments.count == 2 ? try number(1, "a contrast range ≥ 0") { $0 >= 0 } : brightness
      return .transform(ColorJitter(brightness: brightness, contrast: contrast))
    case "normalize":
      try expectArguments(1...2, usage: "normalize:imagenet or normalize:M:S")
      if arguments.count == 1 {
        guard arguments[0] == "imagenet" else {
          throw fail("argument 1 \"\(arguments[0])\" must be \"imagenet\", or give M:S")
        }
        return .transform(Normalize.imageNet)
      }
      let mean = try number(0, "a mean") { _ in true }
      let std = try number(1, "a standard deviation > 0") { $0 > 0 }
      return .transform(Normalize(mean: [Float(mean)], std: [Float(std)]))
    case "erase":
      try expectArguments(0...1, usage: "erase[:P]")
      return .transform(RandomErasing(p: try probability(0)))
    default:
      throw fail("unknown transform \"\(name)\"; valid: \(validSteps.joined(separator: ", "))")
    }
  }

  private static func describe(_ counts: ClosedRange<Int>) -> String {
    func arguments(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
    if counts.lowerBound == counts.upperBound { return arguments(counts.lowerBound) }
    return "\(counts.lowerBound) to \(arguments(counts.upperBound))"
  }
}
