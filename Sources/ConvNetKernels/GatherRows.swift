/// Row gathers — `Embedding`'s lookup and `indexSelect` — and their backward, a scatter-add.
///
/// The source is `outer` blocks of `sourceRows` rows of `rowLength` floats (an embedding table
/// is one block; `indexSelect` along an axis has one block per index before the axis). Row i of
/// the indices is taken from each block: output[o, i, :] = source[o, indices[i], :]. Every
/// index must lie in 0..<sourceRows (checked by the callers where ids come from a user).
public struct GatherRowsLayout: Sendable, Equatable {
  public var outer: Int
  public var sourceRows: Int
  public var rowLength: Int

  public init(outer: Int = 1, sourceRows: Int, rowLength: Int) {
    self.outer = outer
    self.sourceRows = sourceRows
    self.rowLength = rowLength
  }

  public var sourceCount: Int { outer * sourceRows * rowLength }
  public func outputCount(indices: Int) -> Int { outer * indices * rowLength }
}

/// output[o, i, :] = source[o, indices[i], :], rows copied in parallel chunks.
public func gatherRows(
  source: UnsafePointer<Float>, indices: [Int], output: UnsafeMutablePointer<Float>,
  layout: GatherRowsLayout
) {
  let (count, length) = (indices.count, layout.rowLength)
  indices.withUnsafeBufferPointer { ids in
    parallelChunks(layout.outer * count, minimumChunk: max(1, 4096 / max(1, length))) { rows in
      for row in rows {
        let (o, i) = row.quotientAndRemainder(dividingBy: count)
        (output + row * length).update(
          from: source + (o * layout.sourceRows + ids[i]) * length, count: length)
      }
    }
  }
}

/// The gather's backward: gradSource[o, r, :] = Σ gradOutput[o, i, :] over the i with
/// indices[i] == r (zero for rows never gathered), **overwriting** gradSource. Rows whose index
/// equals `skipping` (an embedding's padding index) receive no gradient.
///
/// Several i may hit one row, so a plain parallel loop over i would race. The indices are
/// grouped by row first (a stable counting sort), then the destination rows are split across
/// threads and each sums its own occurrences in increasing i — the order of the one-thread
/// reference loop, so the result is bit-identical to `gatherRowsBackwardReference` and does
/// not depend on the thread count.
public func gatherRowsBackward(
  gradOutput: UnsafePointer<Float>, indices: [Int], skipping: Int? = nil,
  gradSource: UnsafeMutablePointer<Float>, layout: GatherRowsLayout
) {
  let (count, rows, length) = (indices.count, layout.sourceRows, layout.rowLength)
  // starts[r]..<starts[r + 1] in `order` are the positions i with indices[i] == r, increasing.
  var starts = [Int](repeating: 0, count: rows + 1)
  for r in indices where r != skipping { starts[r + 1] += 1 }
  for r in 0..<rows { starts[r + 1] += starts[r] }
  var order = [Int](repeating: 0, count: starts[rows])
  var next = starts
  for (i, r) in indices.enumerated() where r != skipping {
    order[next[r]] = i
    next[r] += 1
  }
  starts.withUnsafeBufferPointer { starts in
    order.withUnsafeBufferPointer { order in
      parallelChunks(layout.outer * rows, minimumChunk: max(1, 4096 / max(1, length))) { targets in
        for target in targets {
          let (o, r) = target.quotientAndRemainder(dividingBy: rows)
          let destination = gradSource + target * length
          destination.update(repeating: 0, count: length)
          for position in starts[r]..<starts[r + 1] {
            let source = gradOutput + (o * count + order[position]) * length
            for j in 0..<length { destination[j] += source[j] }
          }
        }
      }
    }
  }
}
