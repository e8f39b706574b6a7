/// A learning-rate schedule chosen by a short spec — `constant`, `cosine` or `step:N[:gamma]` —
/// parsed and checked once, then made into the schedules a trainer applies.
///
/// - `constant`: the initial rate throughout.
/// - `cosine`: annealed to 0 over the run, updated every optimiser step (`CosineCycles` over
///   steps; a run extended past its plan gets a new cycle per extension).
/// - `step:N[:gamma]`: multiplied by gamma (default 0.1) every N epochs (`StepLR` over epochs).
///
/// It is stored as its spec (lowercased), so that a checkpoint records what the user wrote.
public struct ScheduleChoice: Equatable, Sendable, CustomStringConvertible, Codable {
  /// The parsed form.
  public enum Kind: Equatable, Sendable {
    case constant
    case cosine
    case step(every: Int, gamma: Float)
  }

  public let kind: Kind
  /// The spec, lowercased, e.g. "step:3:0.5".
  public let spec: String

  /// Annealed by cosine over the run, per step: the default.
  public static let cosine = ScheduleChoice(kind: .cosine, spec: "cosine")
  /// The initial rate throughout.
  public static let constant = ScheduleChoice(kind: .constant, spec: "constant")

  private init(kind: Kind, spec: String) {
    self.kind = kind
    self.spec = spec
  }

  /// The valid forms, for messages.
  public static let forms = "constant, cosine or step:N[:gamma]"

  /// Parses `constant`, `cosine` or `step:N[:gamma]` (case-insensitive).
  /// - Throws: `SettingError` for "schedule" saying what was expected.
  public init(parsing text: String) throws {
    let spec = text.lowercased()
    func fail(_ detail: String) -> SettingError {
      SettingError(setting: "schedule", name: "schedule", detail: "\"\(text)\": \(detail)")
    }
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    switch parts.first {
    case "constant", "cosine":
      guard parts.count == 1 else { throw fail("\(parts[0]) takes no parameters") }
      self.init(kind: parts[0] == "cosine" ? .cosine : .constant, spec: spec)
    case "step":
      guard (2...3).contains(parts.count), let size = Int(parts[1]), size > 0 else {
        throw fail("expected step:N[:gamma] with N ≥ 1")
      }
      var gamma: Float = 0.1
      if parts.count == 3 {
        guard let value = Float(parts[2]), value.isFinite, value >= 0 else {
          throw fail("gamma must be a finite number ≥ 0, got \"\(parts[2])\"")
        }
        gamma = value
      }
      self.init(kind: .step(every: size, gamma: gamma), spec: spec)
    default:
      throw fail("expected \(Self.forms)")
    }
  }

  public var description: String { spec }

  /// Whether the rate anneals by cosine (only then does extending a finished run start a new
  /// cycle; see `ResumePlan`).
  public var isCosine: Bool { kind == .cosine }

  /// The schedules that carry out this choice for a run starting at `initial`:
  /// one applied at the start of each epoch (`Trainer.schedule`) or one applied before each
  /// optimiser step (`Trainer.stepSchedule`); both nil for `constant`.
  /// - Parameters:
  ///   - stepsPerEpoch: optimiser steps in an epoch (the per-step cosine's unit).
  ///   - cycles: the learning-rate plan in epochs, 0 then each cycle's end (`ResumePlan.cycles`).
  public func schedules(initial: Float, stepsPerEpoch: Int, cycles: [Int])
    -> (perEpoch: (any LearningRateSchedule)?, perStep: (any LearningRateSchedule)?)
  {
    switch kind {
    case .constant:
      return (nil, nil)
    case .cosine:
      return (nil, CosineCycles(initial: initial, boundaries: cycles.map { $0 * max(1, stepsPerEpoch) }))
    case .step(let every, let gamma):
      return (StepLR(initial: initial, stepSize: every, gamma: gamma), nil)
    }
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    do {
      try self.init(parsing: text)
    } catch let error as SettingError {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(spec)
  }
}
