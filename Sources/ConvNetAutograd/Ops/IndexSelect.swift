import ConvNetKernels
import ConvNetTensor

/// The slices `indices[0]`, `indices[1]`, … of `input` along `axis`, in that order (PyTorch's
/// `index_select`, ONNX's `Gather` with 1-D indices); an index may repeat. The backward
/// scatter-adds the gradient back to the rows it came from (`gatherRowsBackward`). Indices are
/// the caller's to check (negative ones count from the end; out of range traps).
public func indexSelect(_ input: Variable, axis: Int, indices: [Int]) -> Variable {
  let inputShape = input.shape
  let a = normalizedAxis(axis, rank: inputShape.count, "indexSelect")
  let size = inputShape[a]
  let rows = indices.map { index -> Int in
    let row = index < 0 ? index + size : index
    precondition(row >= 0 && row < size, "indexSelect: index \(index) is out of range for axis \(a) of \(inputShape)")
    return row
  }
  let layout = GatherRowsLayout(
    outer: Tensor.elementCount(of: Array(inputShape[..<a])), sourceRows: size,
    rowLength: Tensor.elementCount(of: Array(inputShape[(a + 1)...])))
  var shape = inputShape
  shape[a] = rows.count
  var output = Tensor(uninitializedShape: shape)
  gatherRows(source: input.value.readOnlyElements, indices: rows, output: output.uniqueElements(), layout: layout)
  return Variable.makeOutput(output, name: "index_select", inputs: [input]) { gradient in
    var inputGradient = Tensor(uninitializedShape: inputShape)
    gatherRowsBackward(
      gradOutput: gradient.readOnlyElements, indices: rows, gradSource: inputGradient.uniqueElements(),
      layout: layout)
    return [inputGradient]
  }
}
