import ConvNetNN
import ConvNetTensor

/// Several processes that train one model together, data-parallel: each computes the gradients
/// of its part of every global batch (`DataLoader.shard`), and the group makes them the global
/// batch's before every process applies the same optimiser step. `ConvNetDistributed` implements
/// it over MPI; a `Trainer` without one trains alone.
public protocol DataParallelGroup: AnyObject {
  /// Called by every process once per step, after `backward()` and before the optimiser step.
  /// Replaces the gradient of every parameter of `model` that has one by the gradient of the
  /// global batch's mean loss, brings the buffers (batch-norm running statistics) in line across
  /// the processes, and returns `figures` summed over them (with the stop request of any).
  /// - Throws: when the processes can no longer talk (a process died); the caller then stops.
  func synchronizeStep(_ figures: StepFigures, model: any Module) throws -> StepFigures
}

/// What one step measured on one process's part of the batch, or summed over all processes.
public struct StepFigures: Sendable, Equatable {
  /// Samples in the batch.
  public var samples: Int
  /// Samples whose highest logit is their label.
  public var correct: Int
  /// The loss summed over the samples (the batch's mean loss × samples).
  public var lossSum: Double
  /// The mean loss over `samples` (what a single process reports as the batch's loss).
  public var loss: Float
  /// Whether some process was asked to stop (Ctrl-C, SIGTERM): all stop after the same step.
  public var stopRequested: Bool

  public init(samples: Int, correct: Int, loss: Float, stopRequested: Bool = false) {
    self.samples = samples
    self.correct = correct
    self.lossSum = Double(loss) * Double(samples)
    self.loss = loss
    self.stopRequested = stopRequested
  }

  /// The figures of `samples` samples with this loss sum (the mean loss computed from it).
  public init(samples: Int, correct: Int, lossSum: Double, stopRequested: Bool) {
    self.samples = samples
    self.correct = correct
    self.lossSum = lossSum
    self.loss = samples == 0 ? 0 : Float(lossSum / Double(samples))
    self.stopRequested = stopRequested
  }

  /// A batch's figures: its labels against the argmax of its logits [B, classes].
  init(labels: [Int], logits: Tensor, loss: Float) {
    let correct = zip(labels, logits.argmax(alongAxis: 1)).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    self.init(samples: labels.count, correct: correct, loss: loss)
  }
}
