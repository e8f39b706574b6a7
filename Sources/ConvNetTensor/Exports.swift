// Tensor's API takes a `SeededGenerator` (`Tensor.randomUniform(_:using:)`, …), so importing
// ConvNetTensor brings in the base module that defines it.
@_exported import ConvNetBase
