/// How batch norm sees a tensor [N, C, …]: `batch` samples of `channels` planes of `spatial`
/// values each (spatial = H·W for images, L for sequences, 1 for [N, C]). Statistics are per
/// channel, over the batch and the plane.
public struct BatchNormLayout: Equatable, Sendable {
  public var batch: Int
  public var channels: Int
  public var spatial: Int

  public init(batch: Int, channels: Int, spatial: Int) {
    self.batch = batch
    self.channels = channels
    self.spatial = spatial
  }

  /// The layout of a tensor of shape [N, C, …] (rank ≥ 2).
  public init(shape: [Int]) {
    precondition(shape.count >= 2, "BatchNormLayout: expects [N, C, …], got \(shape)")
    batch = shape[0]
    channels = shape[1]
    spatial = shape.dropFirst(2).reduce(1, *)
  }

  /// The number of values each channel's statistics are taken over: N · spatial.
  public var valuesPerChannel: Int { batch * spatial }

  /// All values: N · C · spatial.
  public var count: Int { batch * channels * spatial }
}
