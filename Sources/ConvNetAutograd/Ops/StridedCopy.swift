import ConvNetTensor

/// The one loop behind the data-movement ops (permute, narrow, pad and their backwards): walks
/// every index i of `shape` in row-major order and copies
/// `source[sourceOffset + Σ i·sourceStrides]` to `destination[destinationOffset + Σ i·destinationStrides]`.
///
/// A permutation is a copy with permuted source strides, a slice one with a start offset and
/// scaled strides, a pad one whose destination is a window of a larger filled tensor; each
/// backward is the same copy with source and destination exchanged. The innermost axis runs as
/// a plain loop (a block move when both strides are 1).
func stridedCopy(
  shape: [Int], from source: UnsafePointer<Float>, offset sourceOffset: Int, strides sourceStrides: [Int],
  to destination: UnsafeMutablePointer<Float>, offset destinationOffset: Int,
  strides destinationStrides: [Int]
) {
  if shape.contains(0) { return }
  guard let inner = shape.last else {
    destination[destinationOffset] = source[sourceOffset]
    return
  }
  let rank = shape.count
  let (sourceStep, destinationStep) = (sourceStrides[rank - 1], destinationStrides[rank - 1])
  var index = [Int](repeating: 0, count: rank - 1)
  var (s, d) = (sourceOffset, destinationOffset)
  while true {
    if sourceStep == 1 && destinationStep == 1 {
      (destination + d).update(from: source + s, count: inner)
    } else {
      for j in 0..<inner { destination[d + j * destinationStep] = source[s + j * sourceStep] }
    }
    // Advance the multi-index over the outer axes, moving both offsets with it.
    var axis = rank - 2
    while axis >= 0 {
      index[axis] += 1
      s += sourceStrides[axis]
      d += destinationStrides[axis]
      if index[axis] < shape[axis] { break }
      s -= sourceStrides[axis] * shape[axis]
      d -= destinationStrides[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
    if axis < 0 { return }
  }
}

/// Row-major strides of `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var running = 1
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[axis] = running
    running *= shape[axis]
  }
  return strides
}

/// `axis` counted from the end when negative; traps on an axis outside the rank (a caller's
/// bug: the layers and the ONNX importer check axes where they come from a user).
func normalizedAxis(_ axis: Int, rank: Int, _ op: String) -> Int {
  let normalized = axis < 0 ? axis + rank : axis
  precondition(normalized >= 0 && normalized < rank, "\(op): axis \(axis) is out of range for rank \(rank)")
  return normalized
}
