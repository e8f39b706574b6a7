import ConvNetTensor
import TestSupport

/// A reference written index by index, for the data-movement ops: output element at
/// multi-index i is `element(i, inputs)`, where `inputs` reads the op's input tensors at a
/// multi-index. Written from the ops' definitions (PyTorch's docs), independently of the
/// strided copies the ops run.
func indexFormula(
  shape: [Int], _ element: @escaping (_ index: [Int], _ read: (Int, [Int]) -> Float) -> Float
) -> OpReference {
  OpReference { inputs in
    let read = { (which: Int, index: [Int]) -> Float in
      let tensor = inputs[which]
      var flat = 0
      for (axis, i) in index.enumerated() { flat = flat * tensor.shape[axis] + i }
      return tensor.scalars[flat]
    }
    let values = (0..<Tensor.elementCount(of: shape)).map { element(multiIndex($0, in: shape), read) }
    return Tensor(shape: shape, scalars: values)
  }
}

/// The multi-index of row-major position `flat` in `shape`.
func multiIndex(_ flat: Int, in shape: [Int]) -> [Int] {
  var rest = flat
  var index = [Int](repeating: 0, count: shape.count)
  for axis in stride(from: shape.count - 1, through: 0, by: -1) {
    index[axis] = rest % shape[axis]
    rest /= shape[axis]
  }
  return index
}
