import ConvNetTensor

/// Between the nested arrays explanations show and the library's NCHW tensors.
enum TensorConversion {
  /// [channel][row][column] → a [1, C, H, W] tensor.
  static func batch(_ planes: [[[Float]]]) -> Tensor {
    let (height, width) = (planes.first?.count ?? 0, planes.first?.first?.count ?? 0)
    return Tensor(
      shape: [1, planes.count, height, width], scalars: Array(planes.joined().joined()))
  }

  /// [filter][channel][row][column] → a [K, C, kH, kW] weight tensor.
  static func weight(_ filters: [[[[Float]]]]) -> Tensor {
    let first = filters[0]
    return Tensor(
      shape: [filters.count, first.count, first[0].count, first[0][0].count],
      scalars: Array(filters.joined().joined().joined()))
  }

  /// The first image of an [N, C, H, W] tensor as [channel][row][column].
  static func planes(_ tensor: Tensor) -> [[[Float]]] {
    let (channels, height, width) = (tensor.shape[1], tensor.shape[2], tensor.shape[3])
    let scalars = tensor.scalars
    return (0..<channels).map { c in
      (0..<height).map { r in
        let start = (c * height + r) * width
        return Array(scalars[start..<start + width])
      }
    }
  }
}
