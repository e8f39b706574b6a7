import ConvNetAutograd
import ConvNetNN

/// The input of a convolution or pooling explanation: its size per channel and its channel
/// count, taken from the sizes the user gave, from the values typed, or from both — which must
/// then agree.
struct ExplainedInput {
  let size: Size2
  let channels: Int

  /// - Parameter example: an input size to suggest when neither a size nor values were given.
  init(values: [[[Float]]]?, size: Size2?, channels: Int?, example: String) throws {
    if let values { try ValueShapeCheck.planes(values, field: .values) }
    let valuesSize = values.map { Size2($0[0].count, $0[0][0].count) }
    guard let input = size ?? valuesSize else {
      throw ExplainError(.input, "expected an input size such as \(example), or the input values")
    }
    if let valuesSize, valuesSize != input {
      throw ExplainError(
        .input,
        "the values are \(NumberText.size(valuesSize.height, valuesSize.width)) per channel but the "
          + "size given is \(NumberText.size(input.height, input.width))")
    }
    let channels = channels ?? values?.count ?? 1
    if let values, values.count != channels {
      throw ExplainError(.channels, "the input values have \(values.count) channel(s), not \(channels)")
    }
    self.size = input
    self.channels = channels
  }
}
