/// Synchronised batch norm ("sync BN"): in data-parallel training, batch norm in training mode
/// normalises with the statistics of the global batch instead of each process's part.
///
/// While `BatchNormSynchronization.reducer` is set, `batchNorm` (training) hands it the
/// per-channel sums it computes — Σx, Σx² and the value count in the forward pass, Σdy and
/// Σdy·(x − μ) in the backward pass — to be replaced by their sums over all processes. Every
/// process must then run the same batch-norm layers in the same order (one model, one step at a
/// time), since each call is a collective operation. The weight and bias gradients stay the
/// process's own; averaging them with the other gradients gives the global batch's.
public protocol BatchNormStatisticsReducer: AnyObject {
  /// Replaces `values` by their element-wise sums over all processes.
  func sumAcrossProcesses(_ values: inout [Double])
}

public enum BatchNormSynchronization {
  /// The reducer in effect, or nil (each process normalises with its own batch's statistics).
  /// Set once before training; it is read on the training thread only.
  nonisolated(unsafe) public static var reducer: (any BatchNormStatisticsReducer)?
}
