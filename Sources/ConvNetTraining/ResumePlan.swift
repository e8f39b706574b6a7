/// What training `epochs` epochs in all means for a run that continues from a checkpoint — the
/// one place that defines resuming and extending.
///
/// - Fewer epochs than the checkpoint has done: an error.
/// - As many as it has done (at an epoch boundary), or a step limit it has reached: nothing to do.
/// - The checkpoint's planned number (its horizon): continue the run exactly where it stopped;
///   the result is bit-identical to the uninterrupted run.
/// - Fewer than planned but more than done: continue on the planned schedule and stop early
///   (the learning rate has not annealed to its end).
/// - More than planned: extend. The run first finishes its planned schedule, then a new cosine
///   cycle starts at the initial learning rate and anneals to 0 over the added epochs (a warm
///   restart, `CosineCycles`); optimiser state, data order and random streams continue. With a
///   constant or step schedule (functions of the epoch alone) the schedule simply continues.
public struct ResumePlan: Sendable, Equatable {
  public enum Action: Sendable, Equatable {
    /// No checkpoint: a new run.
    case start
    /// Continue the planned run to its end.
    case continueRun
    /// Continue the planned schedule, stopping before its horizon.
    case stopEarly
    /// Finish the planned schedule, then a new cosine cycle up to the requested epochs.
    case extend
    /// The checkpoint already has what was asked for.
    case nothingToDo
  }

  public let action: Action
  /// The learning-rate plan of the run that continues: 0 and the end of each cosine cycle, in
  /// epochs (see `TrainingState.cycles`).
  public let cycles: [Int]
  /// One line saying what happens, for the user.
  public let summary: String

  /// - Parameters:
  ///   - saved: the checkpoint's state, or nil for a new run.
  ///   - epochs: the epochs the run should have in all (≥ 1).
  ///   - maximumSteps: a limit on optimiser steps in all, if any.
  ///   - cosine: whether the run anneals its learning rate by cosine (only then does extending
  ///     start a new cycle; it changes the summary only).
  /// - Throws: `TrainingError` when `epochs` is below what the checkpoint has already done.
  public static func make(
    saved: TrainingState?, epochs: Int, maximumSteps: Int? = nil, cosine: Bool = true
  ) throws -> ResumePlan {
    guard let saved else {
      return ResumePlan(action: .start, cycles: [0, epochs], summary: "a new run of \(epochs) epochs")
    }
    let done = saved.epoch
    // Legacy checkpoints have no plan: the requested epochs are the plan (the earlier behaviour).
    let planned = saved.cycles ?? [0, max(epochs, done)]
    let horizon = planned[planned.count - 1]
    if epochs < done || (epochs == done && saved.step > 0) {
      throw TrainingError(
        description: "the checkpoint is at \(saved.positionDescription) (\(done) epochs completed); "
          + "a run of \(epochs) epochs in all is already behind it — ask for \(max(done, 1)) or more "
          + "to continue (the run was planned for \(horizon))")
    }
    if epochs == done {
      return ResumePlan(
        action: .nothingToDo, cycles: planned,
        summary: "nothing to do: the checkpoint has already completed \(done) of \(epochs) epochs "
          + "(ask for more epochs to extend the run)")
    }
    if let maximumSteps, saved.globalStep >= maximumSteps {
      return ResumePlan(
        action: .nothingToDo, cycles: planned,
        summary:
          "nothing to do: the checkpoint has already taken \(saved.globalStep) of \(maximumSteps) steps")
    }
    let from = "continuing from \(saved.positionDescription)"
    if epochs == horizon {
      return ResumePlan(
        action: .continueRun, cycles: planned, summary: "\(from) to epoch \(epochs) as planned")
    }
    if epochs < horizon {
      return ResumePlan(
        action: .stopEarly, cycles: planned,
        summary: "\(from); stopping after epoch \(epochs) of the \(horizon) the schedule was planned for "
          + "(the learning rate follows that plan and will not have annealed fully)")
    }
    let finish = done < horizon ? "finishing the planned \(horizon) epochs, then " : ""
    let added = epochs == horizon + 1 ? "epoch \(epochs)" : "epochs \(horizon + 1)–\(epochs)"
    let schedule =
      cosine
      ? "a new cosine cycle (restarting at the initial learning rate, annealed to 0) over \(added)"
      : "\(added) with the learning-rate schedule continued"
    return ResumePlan(
      action: .extend, cycles: planned + [epochs],
      summary: "extending a run planned for \(horizon) epochs to \(epochs): \(from), \(finish)\(schedule)")
  }
}
