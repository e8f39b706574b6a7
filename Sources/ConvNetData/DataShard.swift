/// One process's part of every batch in data-parallel training: of a global batch of n samples
/// (positions p ..< p + n of the epoch's order), process `index` of `count` takes the contiguous
/// piece p + ⌊n·index/count⌋ ..< p + ⌊n·(index+1)/count⌋. The pieces are disjoint and their union
/// is the global batch, so the processes together visit exactly a single process's epoch, in
/// its order and with its augmentation (which depends on the position only).
public struct DataShard: Sendable, Equatable, CustomStringConvertible {
  /// This process's number, 0 ..< count.
  public let index: Int
  /// The number of processes.
  public let count: Int

  /// - Precondition: 0 ≤ index < count.
  public init(index: Int, of count: Int) {
    precondition(count >= 1 && (0..<count).contains(index), "DataShard: part \(index) of \(count)")
    self.index = index
    self.count = count
  }

  /// The whole batch (a process training alone).
  public static let whole = DataShard(index: 0, of: 1)

  /// This process's piece of the positions `batch`.
  public func piece(of batch: Range<Int>) -> Range<Int> {
    let n = batch.count
    return (batch.lowerBound + n * index / count)..<(batch.lowerBound + n * (index + 1) / count)
  }

  public var description: String { "part \(index + 1) of \(count)" }
}
