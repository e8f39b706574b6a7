import ArgumentParser
import ConvNet
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// `convnet train` under `mpirun`: data-parallel training over MPI, in a build made with
// `CONVNET_MPI=1 swift build -c release` (ConvNetDistributed does the work). In a build without
// MPI the hooks below are the single-process behaviour.

#if CONVNET_MPI
  import ConvNetDistributed

  /// `train`'s options for data-parallel training (shown in an MPI build only).
  struct DistributedOptions: ParsableArguments {
    @Flag(
      help:
        "Under mpirun: batch norm normalises with the statistics of the whole global batch (summed over the processes), not of each process's part (the default, as PyTorch DDP)."
    )
    var syncBn = false

    @Option(
      parsing: .unconditional,
      help:
        "Under mpirun: seconds a process waits for the others in one exchange before it stops with an error (a process died or hangs). Must exceed what process 0 does alone after an epoch: evaluating and saving."
    )
    var mpiTimeout: Double = 600

    @Option(
      parsing: .unconditional,
      help:
        "Under mpirun: gradients are exchanged in buckets of at most this many MB (one MPI all-reduce each), as PyTorch DDP's bucket_cap_mb."
    )
    var bucketMb: Double = Double(GradientAllReduce.defaultBucketBytes) / 1_048_576

    func validate() throws {
      guard bucketMb.isFinite && bucketMb * 1_048_576 >= 4 else {
        throw CLIError(
          "--bucket-mb must be a number of megabytes that holds at least one float, got \(bucketMb)")
      }
      guard mpiTimeout.isFinite && mpiTimeout >= 1 else {
        throw CLIError("--mpi-timeout must be at least 1 second, got \(mpiTimeout)")
      }
    }
  }

  /// The MPI job this process belongs to (nil when not started by an MPI launcher).
  private enum DistributedRun {
    nonisolated(unsafe) static var communicator: MPICommunicator?
    nonisolated(unsafe) static var training: DataParallelTraining?
    /// Standard error as the user sees it: processes other than 0 write nothing else there.
    nonisolated(unsafe) static var diagnostics: Int32 = STDERR_FILENO
  }

  extension TrainCommand {
    /// Under `mpirun`: joins the job. Only process 0 prints, evaluates, records the history and
    /// saves checkpoints; the others' standard error is silenced except for their own failures.
    func startDistributedRun() throws {
      guard MPICommunicator.isLaunchedByMPI else {
        if distributedOptions.syncBn {
          printError("note: --sync-bn does nothing outside mpirun (one process)")
        }
        return
      }
      guard DistributedRun.communicator == nil else { return }
      let diagnostics = dup(STDERR_FILENO)
      let communicator = try MPICommunicator(
        timeout: distributedOptions.mpiTimeout, diagnostics: diagnostics >= 0 ? diagnostics : STDERR_FILENO)
      DistributedRun.communicator = communicator
      DistributedRun.diagnostics = diagnostics >= 0 ? diagnostics : STDERR_FILENO
      if communicator.rank != 0 {
        let null = open("/dev/null", O_WRONLY)
        if null >= 0 && diagnostics >= 0 { dup2(null, STDERR_FILENO) }
      }
    }

    /// Whether this process prints, evaluates, records and saves (process 0, or the only one).
    var isLeadProcess: Bool { (DistributedRun.communicator?.rank ?? 0) == 0 }

    /// This process's part of every training batch.
    var dataShard: DataShard {
      DistributedRun.communicator.map { DataShard(index: $0.rank, of: $0.size) } ?? .whole
    }

    /// Makes `trainer` train with the other processes: process 0's weights everywhere, gradients
    /// averaged after every backward, batch norm synchronised with --sync-bn.
    func joinDistributedRun(_ trainer: Trainer) throws {
      guard let communicator = DistributedRun.communicator else { return }
      let batchSize = trainer.trainLoader.batchSize
      guard batchSize >= communicator.size else {
        throw CLIError(
          "--batch-size \(batchSize) is the global batch, split over the \(communicator.size) processes: "
            + "it must be at least \(communicator.size)")
      }
      let samples = trainer.trainLoader.dataset.count
      let last = samples % batchSize
      if last != 0 && last < communicator.size {
        throw CLIError(
          "--batch-size \(batchSize): the last batch of an epoch holds \(last) of the \(samples) samples, fewer "
            + "than the \(communicator.size) processes it is split over; choose a batch size that leaves 0 or at "
            + "least \(communicator.size)")
      }
      let training = DataParallelTraining(
        communicator: communicator, synchronizesBatchNorm: distributedOptions.syncBn,
        bucketBytes: Int(distributedOptions.bucketMb * 1_048_576))
      try training.broadcastState(of: trainer.model)
      trainer.dataParallel = training
      DistributedRun.training = training
      let each = batchSize / communicator.size
      printError(
        "distributed: \(communicator.size) processes, global batch \(batchSize) "
          + "(\(batchSize % communicator.size == 0 ? "\(each)" : "\(each)–\(each + 1)") each), "
          + (distributedOptions.syncBn ? "batch norm synchronised" : "batch norm per process")
          + ", gradients all-reduced in buckets of \(formatBytes(training.allReduce.bucketCapacity * 4))")
    }

    /// The communication figures of the run, for process 0's output.
    func reportDistributedRun() {
      guard let training = DistributedRun.training, training.steps > 1, training.stepSeconds > 0 else {
        return
      }
      let intervals = Double(training.steps - 1)
      printError(
        String(
          format:
            "distributed: %.1f ms per step, of which %.1f ms (%.1f%%) in MPI exchanges (%d bucket%@ per step)",
          training.stepSeconds / intervals * 1000, training.stepCommunicationSeconds / intervals * 1000,
          100 * training.stepCommunicationSeconds / training.stepSeconds, training.allReduce.lastBucketCount,
          training.allReduce.lastBucketCount == 1 ? "" : "s"))
    }

    /// How the run was started, for the resume hint: `mpirun -np N` (any N works).
    var distributedLauncher: [String] {
      DistributedRun.communicator.map { ["mpirun", "-np", "\($0.size)"] } ?? []
    }

    /// A failure on a process other than 0 (whose standard error is silenced) is still shown.
    func reportFailureOfOtherProcess(_ error: Error) {
      guard let communicator = DistributedRun.communicator, communicator.rank != 0 else { return }
      let line = "convnet train, process \(communicator.rank) of \(communicator.size): \(error)\n"
      _ = line.withCString { write(DistributedRun.diagnostics, $0, strlen($0)) }
    }
  }
#else
  extension TrainCommand {
    func startDistributedRun() throws {}
    var isLeadProcess: Bool { true }
    var dataShard: DataShard { .whole }
    func joinDistributedRun(_ trainer: Trainer) throws {}
    func reportDistributedRun() {}
    func reportFailureOfOtherProcess(_ error: Error) {}
    var distributedLauncher: [String] { [] }
  }
#endif
