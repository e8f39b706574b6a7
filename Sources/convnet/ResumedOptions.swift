/// An option a user gave together with `--resume`, beside the value the checkpoint recorded.
///
/// Commands whose library call continues a run with the checkpoint's own settings use this so
/// that an option on the command line is never silently overridden: an option left out
/// continues as recorded, one that repeats the recorded value is fine, one that contradicts it
/// is refused before any training.
struct ResumedOption {
  let flag: String
  /// What the command line said, nil when the option was left out.
  let given: String?
  let recorded: String

  init(_ flag: String, given: CustomStringConvertible?, recorded: CustomStringConvertible) {
    self.flag = flag
    self.given = given.map { "\($0)" }
    self.recorded = "\(recorded)"
  }

  /// Throws one error naming every given option that differs from the checkpoint's value.
  static func refuseContradictions(_ options: [ResumedOption], checkpoint: String) throws {
    let contradicting = options.filter { option in option.given.map { $0 != option.recorded } ?? false }
    guard !contradicting.isEmpty else { return }
    let list = contradicting.map { "\($0.flag) \($0.given ?? "") (the run used \($0.recorded))" }
    throw CLIError(
      "--resume \(checkpoint): \(list.joined(separator: ", ")) "
        + "\(contradicting.count == 1 ? "contradicts" : "contradict") the saved run; leave "
        + "\(contradicting.count == 1 ? "it" : "them") out to continue as saved, or start a new run without --resume")
  }
}
