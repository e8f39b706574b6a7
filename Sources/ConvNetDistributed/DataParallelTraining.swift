import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor
import ConvNetTraining
import Foundation

/// Data-parallel training over MPI: the `DataParallelGroup` a `Trainer` calls once per step.
///
/// Every process trains the same model on its `shard` of every global batch. After backward,
/// `synchronizeStep`
/// 1. sums the step's figures (samples, correct, loss, stop requests) over the processes and
///    checks that every process holds the same model (a checksum of the parameters and the
///    layout of the gradients, compared with one small all-reduce);
/// 2. replaces each gradient by the global batch's, Σ (samples here / global samples) · gradient,
///    through the buckets of `GradientAllReduce`; without sync batch norm the running statistics
///    of batch norm (each process's own) travel in the same buckets and become their mean, so
///    they are identical on every process after every step, as the weights are.
///
/// With `synchronizesBatchNorm` the batch-norm layers normalise with the global batch's
/// statistics (`BatchNormSynchronization`); the processes' running statistics are then equal by
/// construction.
public final class DataParallelTraining: DataParallelGroup {
  public let communicator: MPICommunicator
  public let allReduce: GradientAllReduce
  public let synchronizesBatchNorm: Bool
  /// Steps synchronised so far.
  public private(set) var steps = 0
  /// Seconds from the first step's synchronisation to the last's (the step time of the run).
  public private(set) var stepSeconds = 0.0
  /// Communication seconds over the same steps (`communicator.communicationSeconds`).
  public private(set) var stepCommunicationSeconds = 0.0
  private var lastStepEnded: Date?
  private var communicationAtLastStep = 0.0
  private let batchNormReducer: SyncBatchNormReducer?

  /// - Parameters:
  ///   - synchronizesBatchNorm: normalise with the global batch's statistics (sync BN) rather
  ///     than each process's own (PyTorch DDP's default).
  public init(
    communicator: MPICommunicator, synchronizesBatchNorm: Bool,
    bucketBytes: Int = GradientAllReduce.defaultBucketBytes
  ) {
    self.communicator = communicator
    self.allReduce = GradientAllReduce(communicator: communicator, bucketBytes: bucketBytes)
    self.synchronizesBatchNorm = synchronizesBatchNorm
    batchNormReducer = synchronizesBatchNorm ? SyncBatchNormReducer(communicator: communicator) : nil
    BatchNormSynchronization.reducer = batchNormReducer
  }

  /// This process's part of every batch.
  public var shard: DataShard { DataShard(index: communicator.rank, of: communicator.size) }

  /// Gives every process process 0's parameters and buffers (as DDP does when it starts), so a
  /// run starts from one model even if the processes built or loaded different ones.
  public func broadcastState(of model: any Module) throws {
    let parameters = model.parameters
    let buffers = model.namedBuffers().map(\.buffer)
    let values = try allReduce.broadcast(parameters.map(\.value) + buffers.map(\.value))
    for (parameter, value) in zip(parameters, values) { parameter.value = value }
    for (buffer, value) in zip(buffers, values[parameters.count...]) { buffer.value = value }
  }

  public func synchronizeStep(_ figures: StepFigures, model: any Module) throws -> StepFigures {
    if let error = batchNormReducer?.error { throw error }
    let withGradients = model.parameters.filter { $0.requiresGrad && $0.grad != nil }
    let buffers = synchronizesBatchNorm ? [] : model.namedBuffers().map(\.buffer).filter { !$0.isInteger }

    // 1. One model everywhere: the gradients' layout and the parameters before this step.
    let layout = UInt64(withGradients.reduce(0) { $0 + $1.value.count } + buffers.count << 40)
    let parameters = Self.checksum(model.parameters.map(\.value))
    var check = [layout, ~layout, parameters, ~parameters]
    try communicator.maximum(&check)
    guard check[0] == ~check[1] && check[2] == ~check[3] else {
      throw DistributedError(
        "process \(communicator.rank): the processes no longer hold the same model at step \(steps + 1) "
          + (check[0] != ~check[1] ? "(their gradients differ in layout)" : "(their weights differ)")
          + "; every process must run the same convnet build with the same options")
    }

    // 2. The step's figures over all processes.
    var sums = [
      Double(figures.samples), Double(figures.correct), figures.lossSum, figures.stopRequested ? 1 : 0,
    ]
    try communicator.sum(&sums)
    let global = StepFigures(
      samples: Int(sums[0]), correct: Int(sums[1]), lossSum: sums[2], stopRequested: sums[3] > 0)

    // 3. Gradients of the global batch's mean loss; the mean of the running statistics.
    let share = global.samples == 0 ? 0 : Float(figures.samples) / Float(global.samples)
    let tensors = withGradients.compactMap(\.grad) + buffers.map(\.value)
    let weights =
      [Float](repeating: share, count: withGradients.count)
      + [Float](repeating: 1 / Float(communicator.size), count: buffers.count)
    let reduced = try allReduce.sum(tensors, weights: weights)
    for (parameter, gradient) in zip(withGradients, reduced) { parameter.grad = gradient }
    for (buffer, value) in zip(buffers, reduced[withGradients.count...]) { buffer.value = value }

    steps += 1
    let now = Date()
    if let lastStepEnded {
      stepSeconds += now.timeIntervalSince(lastStepEnded)
      stepCommunicationSeconds += communicator.communicationSeconds - communicationAtLastStep
    }
    lastStepEnded = now
    communicationAtLastStep = communicator.communicationSeconds
    return global
  }

  /// A 64-bit checksum of the tensors' bits (any changed bit changes it).
  static func checksum(_ tensors: [Tensor]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for tensor in tensors {
      var sum: UInt64 = 0
      var mixed: UInt64 = 0
      tensor.withUnsafeBufferPointer { values in
        values.withMemoryRebound(to: UInt32.self) { bits in
          for (i, word) in bits.enumerated() {
            sum &+= UInt64(word)
            mixed &+= UInt64(word) &* UInt64(truncatingIfNeeded: 2 * i + 1)
          }
        }
      }
      hash = (hash ^ sum) &* 0x100_0000_01B3
      hash = (hash ^ mixed) &* 0x100_0000_01B3
    }
    return hash
  }
}

/// Sync BN over MPI: sums batch norm's per-channel statistics over the processes. An MPI error
/// cannot be thrown from inside an autograd operation; it is kept and thrown by the next
/// `synchronizeStep`.
final class SyncBatchNormReducer: BatchNormStatisticsReducer {
  let communicator: MPICommunicator
  private(set) var error: Error?

  init(communicator: MPICommunicator) { self.communicator = communicator }

  func sumAcrossProcesses(_ values: inout [Double]) {
    guard error == nil else { return }
    do {
      try communicator.sum(&values, for: .batchNorm)
    } catch {
      self.error = error
    }
  }
}
