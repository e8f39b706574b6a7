import ConvNetAutograd
import ConvNetTensor

// The re-indexing operators (Transpose, Slice, Pad, Gather, Expand, Split, pooling windows)
// share one differentiable primitive, `indexGather`: each computes here, from shapes alone, the
// source of every output element, and the same map then serves float data (differentiably) and
// integer data (shape arithmetic).

/// Row-major strides of `shape`.
func rowMajorStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var running = 1
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[axis] = running
    running *= shape[axis]
  }
  return strides
}

/// The source index of every element of an output of `shape`, row-major; `source` receives the
/// output's multi-index and returns the flat input index, or nil for a filled element.
func sourceMap(shape: [Int], _ source: ([Int]) -> Int?) -> [Int32] {
  let count = Tensor.elementCount(of: shape)
  var map = [Int32](repeating: -1, count: count)
  guard count > 0 else { return map }
  var index = [Int](repeating: 0, count: shape.count)
  for flat in 0..<count {
    if let s = source(index) { map[flat] = Int32(s) }
    var axis = shape.count - 1
    while axis >= 0 {
      index[axis] += 1
      if index[axis] < shape[axis] { break }
      index[axis] = 0
      axis -= 1
    }
  }
  return map
}

/// Normalises a possibly negative axis against `rank`, or nil when out of range.
func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
  let a = axis < 0 ? axis + rank : axis
  return (0..<max(rank, 1)).contains(a) || (rank == 0 && a == 0) ? a : nil
}

extension ONNXValue {
  /// output[i] = self[sources[i]] (or `fill` where −1), as float or integer data.
  func gathering(sources: [Int32], shape: [Int], fill: Float = 0) -> ONNXValue {
    switch self {
    case .float(let variable):
      return .float(indexGather(variable, sources: sources, shape: shape, fill: fill))
    case .integer(let tensor):
      let values = sources.map { $0 < 0 ? Int64(fill) : tensor.values[Int($0)] }
      return .integer(IntegerTensor(shape: shape, values: values, elementType: tensor.elementType))
    }
  }

  /// The same elements with another shape.
  func reshaped(_ shape: [Int]) -> ONNXValue {
    switch self {
    case .float(let variable): return .float(variable.reshaped(shape))
    case .integer(var tensor):
      tensor.shape = shape
      return .integer(tensor)
    }
  }
}

enum IndexMaps {
  /// Transpose by `permutation` (output axis k is input axis permutation[k]).
  static func transpose(_ shape: [Int], permutation: [Int]) -> (sources: [Int32], shape: [Int]) {
    let strides = rowMajorStrides(shape)
    let outputShape = permutation.map { shape[$0] }
    let permutedStrides = permutation.map { strides[$0] }
    let map = sourceMap(shape: outputShape) { index in
      var offset = 0
      for k in 0..<index.count { offset += index[k] * permutedStrides[k] }
      return offset
    }
    return (map, outputShape)
  }

  /// Per-axis (start, step, count) selection.
  static func slice(_ shape: [Int], starts: [Int], steps: [Int], counts: [Int]) -> [Int32] {
    let strides = rowMajorStrides(shape)
    return sourceMap(shape: counts) { index in
      var offset = 0
      for k in 0..<index.count { offset += (starts[k] + index[k] * steps[k]) * strides[k] }
      return offset
    }
  }

  enum PadMode: String { case constant, reflect, edge }

  /// Padding by `before`/`after` per axis (negative values crop).
  static func pad(_ shape: [Int], before: [Int], after: [Int], mode: PadMode) -> (sources: [Int32], shape: [Int]) {
    let strides = rowMajorStrides(shape)
    let outputShape = (0..<shape.count).map { shape[$0] + before[$0] + after[$0] }
    let map = sourceMap(shape: outputShape) { index in
      var offset = 0
      for k in 0..<index.count {
        var i = index[k] - before[k]
        let n = shape[k]
        if i < 0 || i >= n {
          switch mode {
          case .constant: return nil
          case .edge: i = Swift.min(Swift.max(i, 0), n - 1)
          case .reflect:
            if n == 1 {
              i = 0
            } else {
              let period = 2 * (n - 1)
              i = ((i % period) + period) % period
              if i >= n { i = period - i }
            }
          }
        }
        offset += i * strides[k]
      }
      return offset
    }
    return (map, outputShape)
  }

  /// Gather along `axis` with `indices` (already made non-negative).
  static func gather(_ shape: [Int], axis: Int, indices: IntegerTensor) -> (sources: [Int32], shape: [Int]) {
    let strides = rowMajorStrides(shape)
    let outputShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
    let indexRank = indices.shape.count
    let indexStrides = rowMajorStrides(indices.shape)
    let map = sourceMap(shape: outputShape) { index in
      var offset = 0
      for k in 0..<axis { offset += index[k] * strides[k] }
      var flat = 0
      for k in 0..<indexRank { flat += index[axis + k] * indexStrides[k] }
      offset += Int(indices.values[flat]) * strides[axis]
      for k in (axis + 1)..<max(shape.count, axis + 1) { offset += index[k - 1 + indexRank] * strides[k] }
      return offset
    }
    return (map, outputShape)
  }

  /// Broadcasting `shape` up to `target` (NumPy rules; `target` already the broadcast shape).
  static func expand(_ shape: [Int], to target: [Int]) -> [Int32] {
    let padded = Array(repeating: 1, count: target.count - shape.count) + shape
    let strides = rowMajorStrides(padded)
    return sourceMap(shape: target) { index in
      var offset = 0
      for k in 0..<index.count where padded[k] != 1 { offset += index[k] * strides[k] }
      return offset
    }
  }
}
