/// A setting of a training run that cannot work, named as the library names it — by its field
/// in the configuration (`setting`, e.g. "learningRate") and in words (`name`, "learning rate").
///
/// A front end that spells settings otherwise (the command line's `--lr`) maps `setting` to its
/// own name and puts `detail` after it; the description reads "learning rate must be a finite
/// number ≥ 0, got -1.0".
public struct SettingError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The field of `TrainingConfiguration` (or the type that holds it), e.g. "learningRate".
  public var setting: String
  /// The setting in words, e.g. "learning rate".
  public var name: String
  /// What is wrong, to follow the setting's name: `must be in [0, 1), got 2.0` or
  /// `"step:0": expected step:N[:gamma] with N ≥ 1`.
  public var detail: String

  public init(setting: String, name: String, detail: String) {
    self.setting = setting
    self.name = name
    self.detail = detail
  }

  public var description: String { "\(name) \(detail)" }
}

extension SettingError {
  /// Throws unless `value` is at least 1: counts and sizes (epochs, batch size, hidden size …).
  public static func requirePositive(_ value: Int, setting: String, name: String) throws {
    guard value >= 1 else {
      throw SettingError(setting: setting, name: name, detail: "must be at least 1, got \(value)")
    }
  }
}
