import Synchronization

/// Deterministic mode: results that do not depend on the number of threads.
///
/// Floating-point addition is not associative, so a sum split into one partial sum per thread
/// and then combined gives a result that depends on the thread count (not on timing: the
/// partials are always combined in order). Two kernels split reductions that way:
///
/// - the convolution weight gradient (`conv2DBackwardWeight`, and the gather tiles'
///   `gatherConv2DBackwardWeight`) sums the batch in one contiguous chunk of images per thread;
/// - `gemm`'s threads share C by slabs; cut along rows, the last slab can be a single row,
///   which runs the vector–matrix kernel whose dot products add in another order.
///
/// With `Parallelism.isDeterministic` on, the weight gradient sums `deterministicChunkCount`
/// chunks of images (fewer when the batch is smaller) whatever the thread count — the threads
/// take chunks in turn — and adds them in chunk order; `gemm` cuts C by columns only, which
/// leaves every element's sum as in the single-threaded call. Everything else already gives
/// the same bits for any thread count: batch norm, the bias gradient, pooling and the
/// depthwise kernels reduce each channel or plane on one thread in a fixed order, and the
/// other kernels split only independent outputs (images, planes, tiles, slabs of C).
extension Parallelism {
  private static let deterministicFlag = Atomic<Bool>(false)

  /// Whether kernels use reduction orders fixed independently of `threadCount`, so that
  /// training gives bit-identical results with any number of threads. Off by default: it
  /// costs some speed (see `conv2DBackwardWeight`). Set it before the work it should govern.
  public static var isDeterministic: Bool {
    get { deterministicFlag.load(ordering: .relaxed) }
    set { deterministicFlag.store(newValue, ordering: .relaxed) }
  }

  /// The chunks of images a deterministic weight gradient is summed in: enough to keep 8
  /// threads busy; each chunk after the first holds a weight-sized partial sum.
  public static let deterministicChunkCount = 8

  /// Chunks a batch-wide reduction over `items` is split into: one per thread (at most one per
  /// item), or in deterministic mode `deterministicChunkCount` regardless of the threads.
  static func reductionChunkCount(items: Int) -> Int {
    max(1, min(isDeterministic ? deterministicChunkCount : threadCount, items))
  }
}
