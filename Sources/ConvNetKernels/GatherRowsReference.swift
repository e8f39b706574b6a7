/// The plain twin of `gatherRows`: one row at a time, element by element.
public func gatherRowsReference(
  source: UnsafePointer<Float>, indices: [Int], output: UnsafeMutablePointer<Float>,
  layout: GatherRowsLayout
) {
  let length = layout.rowLength
  for o in 0..<layout.outer {
    for (i, r) in indices.enumerated() {
      for j in 0..<length {
        output[(o * indices.count + i) * length + j] = source[(o * layout.sourceRows + r) * length + j]
      }
    }
  }
}

/// The plain twin of `gatherRowsBackward`: zero the gradient, then add each gathered row's
/// gradient into its source row in index order (skipping `skipping`).
public func gatherRowsBackwardReference(
  gradOutput: UnsafePointer<Float>, indices: [Int], skipping: Int? = nil,
  gradSource: UnsafeMutablePointer<Float>, layout: GatherRowsLayout
) {
  let length = layout.rowLength
  gradSource.update(repeating: 0, count: layout.sourceCount)
  for o in 0..<layout.outer {
    for (i, r) in indices.enumerated() where r != skipping {
      for j in 0..<length {
        gradSource[(o * layout.sourceRows + r) * length + j] += gradOutput[(o * indices.count + i) * length + j]
      }
    }
  }
}
