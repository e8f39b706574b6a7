import ConvNetAutograd

/// An optimiser chosen by name with the settings a training run gives it — what a user picks
/// (`sgd`, `adam`, `adamw`, `rmsprop`), checked, then built over a model's parameters.
///
/// The learning rate may be left out: each kind has a customary default (`defaultLearningRate`).
public struct OptimizerChoice: Codable, Equatable, Sendable {
  /// The optimisers that can be chosen by name.
  public enum Kind: String, CaseIterable, Codable, Sendable {
    case sgd, adam, adamw, rmsprop

    /// The kind called `name`, case-insensitive, or nil.
    public init?(named name: String) {
      self.init(rawValue: name.lowercased())
    }

    /// "sgd, adam, adamw or rmsprop", for messages.
    public static var namesList: String {
      let names = allCases.map(\.rawValue)
      return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    /// The name as the literature spells it: "SGD", "Adam", "AdamW", "RMSprop".
    public var displayName: String {
      switch self {
      case .sgd: return "SGD"
      case .adam: return "Adam"
      case .adamw: return "AdamW"
      case .rmsprop: return "RMSprop"
      }
    }

    /// The learning rate used when none is given: 0.05 for SGD (with momentum 0.9, what small
    /// convolutional networks train well with), 0.001 for the adaptive methods (Adam's paper and
    /// PyTorch's default).
    public var defaultLearningRate: Float {
      self == .sgd ? 0.05 : 0.001
    }

    /// Whether `momentum` steers this kind (SGD and RMSprop).
    public var usesMomentum: Bool { self == .sgd || self == .rmsprop }
  }

  public var kind: Kind
  /// Nil: `kind.defaultLearningRate`.
  public var learningRate: Float?
  /// SGD/RMSprop momentum μ, in [0, 1).
  public var momentum: Float
  /// L2 regularisation (decoupled for AdamW), ≥ 0.
  public var weightDecay: Float

  public init(kind: Kind = .sgd, learningRate: Float? = nil, momentum: Float = 0.9, weightDecay: Float = 0) {
    self.kind = kind
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  /// The learning rate the optimiser starts with: the given one, else the kind's default.
  public var resolvedLearningRate: Float { learningRate ?? kind.defaultLearningRate }

  /// Refuses numbers that cannot train: not finite, negative, or a momentum of 1 or more (each
  /// step would then add to a velocity that never decays).
  /// - Throws: `SettingError` naming "learningRate", "momentum" or "weightDecay".
  public func validate() throws {
    if let learningRate, !(learningRate.isFinite && learningRate >= 0) {
      throw SettingError(
        setting: "learningRate", name: "learning rate",
        detail: "must be a finite number ≥ 0, got \(learningRate)")
    }
    guard momentum.isFinite && momentum >= 0 && momentum < 1 else {
      throw SettingError(
        setting: "momentum", name: "momentum",
        detail: "must be in [0, 1), got \(momentum)"
          + (momentum >= 1 ? ": at 1 or more every step adds to a velocity that never decays" : ""))
    }
    guard weightDecay.isFinite && weightDecay >= 0 else {
      throw SettingError(
        setting: "weightDecay", name: "weight decay",
        detail: "must be a finite number ≥ 0, got \(weightDecay)")
    }
  }

  /// The optimiser over `parameters`, with PyTorch's update rule for its kind (momentum is
  /// passed to SGD and RMSprop only).
  public func makeOptimizer(parameters: [Variable]) -> any Optimizer {
    let rate = resolvedLearningRate
    switch kind {
    case .sgd:
      return SGD(parameters: parameters, learningRate: rate, momentum: momentum, weightDecay: weightDecay)
    case .adam:
      return Adam(parameters: parameters, learningRate: rate, weightDecay: weightDecay)
    case .adamw:
      return AdamW(parameters: parameters, learningRate: rate, weightDecay: weightDecay)
    case .rmsprop:
      return RMSprop(parameters: parameters, learningRate: rate, weightDecay: weightDecay, momentum: momentum)
    }
  }
}
