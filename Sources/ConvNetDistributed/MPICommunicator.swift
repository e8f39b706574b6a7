import CMPI
import Foundation

/// The processes of an MPI job (`MPI_COMM_WORLD`) and the collective operations data-parallel
/// training needs: sums over all processes (all-reduce) and a broadcast from process 0.
///
/// MPI is initialised once per process (`MPI_Init_thread`, funnelled: only the thread that
/// trains calls MPI) and finalised at exit. Errors come back as return codes
/// (`MPI_ERRORS_RETURN`, not MPI's default of aborting) and are thrown as `DistributedError`s;
/// a collective that waits longer than `timeout` ends the process (`CollectiveWatchdog`).
public final class MPICommunicator {
  /// This process's number, 0 ..< size.
  public let rank: Int
  /// The number of processes.
  public let size: Int
  /// Seconds spent in collective operations since the start (what communication costs).
  public private(set) var communicationSeconds = 0.0
  private let watchdog: CollectiveWatchdog
  private let world = cmpi_comm_world()

  /// Whether this process was started by an MPI launcher (`mpirun`, `srun`): Open MPI, MPICH
  /// and Slurm's PMI set these variables. Without one, `MPI_Init` would start a singleton job.
  public static var isLaunchedByMPI: Bool {
    let environment = ProcessInfo.processInfo.environment
    return ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"].contains { environment[$0] != nil }
  }

  /// What a collective is for, named in the messages of the watchdog and of errors.
  enum Purpose: Int, CaseIterable {
    case figures, modelCheck, gradients, batchNorm, broadcast, barrier

    var name: String {
      switch self {
      case .figures: return "the all-reduce of the step's loss and counts"
      case .modelCheck: return "the all-reduce that checks the processes hold the same model"
      case .gradients: return "the gradient all-reduce"
      case .batchNorm: return "the all-reduce of batch-norm statistics (--sync-bn)"
      case .broadcast: return "the broadcast of process 0's weights"
      case .barrier: return "a barrier"
      }
    }
  }

  /// Joins the job. Call once per process.
  /// - Parameters:
  ///   - timeout: seconds one collective may wait for the other processes before this process
  ///     ends (a peer that hangs); it must cover the longest stretch one process works alone
  ///     (process 0's evaluation and checkpoint after an epoch).
  ///   - diagnostics: the file descriptor the watchdog writes its last line to.
  /// - Throws: `DistributedError` when MPI cannot start.
  public init(timeout: Double, diagnostics: Int32 = 2) throws {
    var provided: Int32 = 0
    var code = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
    guard code == cmpi_success() else { throw DistributedError("MPI_Init_thread failed (code \(code))") }
    atexit { MPI_Finalize() }
    code = MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return())
    var rank: Int32 = 0
    var size: Int32 = 0
    MPI_Comm_rank(cmpi_comm_world(), &rank)
    MPI_Comm_size(cmpi_comm_world(), &size)
    self.rank = Int(rank)
    self.size = Int(size)
    watchdog = CollectiveWatchdog(
      timeout: timeout, names: Purpose.allCases.map(\.name),
      message:
        "process \(rank) of \(size) stops (another process died or hangs; the last checkpoint is intact)",
      descriptor: diagnostics)
  }

  /// Replaces `values` by their element-wise sums over all processes.
  public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {
    try sum(values, for: .gradients)
  }

  func sum(_ values: UnsafeMutableBufferPointer<Float>, for purpose: Purpose) throws {
    try collective(purpose) {
      MPI_Allreduce(
        UnsafeRawPointer(cmpi_in_place()), values.baseAddress, Int32(values.count), cmpi_float(), cmpi_sum(),
        world)
    }
  }

  /// Replaces `values` by their element-wise sums over all processes.
  public func sum(_ values: inout [Double]) throws {
    try sum(&values, for: .figures)
  }

  func sum(_ values: inout [Double], for purpose: Purpose) throws {
    try values.withUnsafeMutableBufferPointer { buffer in
      try collective(purpose) {
        MPI_Allreduce(
          UnsafeRawPointer(cmpi_in_place()), buffer.baseAddress, Int32(buffer.count), cmpi_double(),
          cmpi_sum(),
          world)
      }
    }
  }

  /// Replaces `values` by their element-wise maxima over all processes.
  public func maximum(_ values: inout [UInt64]) throws {
    try values.withUnsafeMutableBufferPointer { buffer in
      try collective(.modelCheck) {
        MPI_Allreduce(
          UnsafeRawPointer(cmpi_in_place()), buffer.baseAddress, Int32(buffer.count), cmpi_uint64(),
          cmpi_max(),
          world)
      }
    }
  }

  /// Replaces `values` on every process by process 0's.
  public func broadcast(_ values: UnsafeMutableBufferPointer<Float>) throws {
    try collective(.broadcast) { MPI_Bcast(values.baseAddress, Int32(values.count), cmpi_float(), 0, world) }
  }

  /// Waits until every process has called it.
  public func barrier() throws {
    try collective(.barrier) { MPI_Barrier(world) }
  }

  /// Runs one MPI call under the watchdog, timed; throws on an error code.
  private func collective(_ purpose: Purpose, _ call: () -> Int32) throws {
    let started = DispatchTime.now().uptimeNanoseconds
    watchdog.begin(purpose.rawValue)
    let code = call()
    watchdog.end()
    communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    guard code == cmpi_success() else {
      var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
      var length: Int32 = 0
      MPI_Error_string(code, &text, &length)
      throw DistributedError(
        "process \(rank) of \(size): \(purpose.name) failed: \(String(cString: text)) "
          + "(another process died or cannot be reached)")
    }
  }
}
