// Which kernel computes each pass of a convolution, decided once from its geometry.
//
// The choice depends on the whole geometry, batch included (Winograd pays only over enough
// tiles), and on nothing else: not on the data, the thread count or earlier calls. Why each
// algorithm takes the geometries it does, and where its bounds come from, is measured in the
// doc comments of `winogradApplies` / `winogradPays`, `gatherApplies`, `rowTilesApply`,
// `implicitWeightGradientMinimum` and `weightGradientBatchingPixels`.

/// One way of computing a pass of a 2-D convolution. Each pass can use only some of them (see
/// `Conv2DPass.algorithms`).
public enum Conv2DAlgorithm: String, CaseIterable, Sendable {
  /// `groups == C == OC`: direct SIMD kernels over each channel plane
  /// (Conv2DDepthwise.swift, `depthwise_conv.c`).
  case depthwise
  /// Winograd F(2×2, 3×3) for 3×3 stride-1 layers with ≥ 16 channels on both sides and enough
  /// tiles in the batch (Conv2DWinograd.swift). The input gradient is itself such a convolution.
  case winograd
  /// Winograd F(4×4, 3×3) for the same geometries, forward only and only with a prepared
  /// weight (Conv2DWinogradF43.swift): 4× fewer multiply-adds than im2col, for a weight 4× the
  /// kernel's size, kept from call to call.
  case winogradF43
  /// Register tiles that read the unpadded image in place, for few taps and 12–64 output
  /// channels (Conv2DGather.swift): forward and weight gradient.
  case gather
  /// Row tiles of 6 output channels × 16 pixels over a zero-padded copy, for stride-1 layers
  /// with at most 6 output channels (Conv2DRows.swift): forward only.
  case rows
  /// 1×1, stride 1, unpadded: the image itself is the GEMM operand (nothing unfolded).
  case pointwiseGEMM
  /// The im2col matrix stored, then one GEMM per image and group; for the input gradient the
  /// GEMM writes the column matrix and `col2im` folds it back.
  case im2colGEMM
  /// One GEMM per image and group whose im2col panels are packed straight from the image
  /// (`gemmIm2col`): the matrix is never stored.
  case implicitGEMM
  /// Weight gradient of small output planes: one implicit GEMM per chunk of images whose depth
  /// runs over all of their pixels, instead of one shallow GEMM per image.
  case implicitGEMMAcrossImages
}

/// The three passes of a convolution, each dispatched on its own algorithm.
public enum Conv2DPass: String, CaseIterable, Sendable {
  case forward
  case inputGradient
  case weightGradient

  /// The algorithms `Conv2DPlan` can choose for this pass, in the order it tries them.
  public var algorithms: [Conv2DAlgorithm] {
    switch self {
    case .forward:
      return [
        .depthwise, .winogradF43, .winograd, .gather, .rows, .pointwiseGEMM, .implicitGEMM,
        .im2colGEMM,
      ]
    case .inputGradient:
      return [.depthwise, .winograd, .pointwiseGEMM, .im2colGEMM]
    case .weightGradient:
      return [
        .depthwise, .gather, .pointwiseGEMM, .im2colGEMM, .implicitGEMMAcrossImages, .implicitGEMM,
      ]
    }
  }
}

/// A convolution's geometry with the algorithm of each pass chosen for it. Made once per call
/// (the autograd op makes one and its backward reuses it) and handed to `conv2DForward`,
/// `conv2DBackwardInput` and `conv2DBackwardWeight`, which switch on it.
public struct Conv2DPlan: Equatable, Sendable {
  /// The geometry the plan was made for (validated).
  public let geometry: Conv2DGeometry
  public let forward: Conv2DAlgorithm
  public let inputGradient: Conv2DAlgorithm
  public let weightGradient: Conv2DAlgorithm

  /// Chooses every pass's algorithm for `geometry`, which must be valid (`validate()` nil).
  /// `preparedWeight`: the forward pass runs on a weight prepared once for many calls
  /// (`PreparedConv2D`), so Winograd's weight transform is not paid per call and Winograd pays
  /// over fewer tiles (`winogradPaysWithPreparedWeight`), and F(4×4, 3×3) takes over where its
  /// larger weight pays (`winogradF43PaysWithPreparedWeight`); the other passes are unaffected.
  public init(_ geometry: Conv2DGeometry, preparedWeight: Bool = false) {
    if let problem = geometry.validate() { preconditionFailure(problem) }
    self.geometry = geometry
    let (_, OCG, K, _, P) = geometry.gemmSizes
    let winograd = winogradApplies(geometry) && winogradPays(geometry)
    let forwardWinograd =
      winograd
      || (preparedWeight && winogradApplies(geometry) && winogradPaysWithPreparedWeight(geometry))
    let gather = gatherApplies(geometry)

    if geometry.isDepthwise {
      forward = .depthwise
    } else if preparedWeight && winogradF43PaysWithPreparedWeight(geometry) {
      forward = .winogradF43
    } else if forwardWinograd {
      forward = .winograd
    } else if gather {
      forward = .gather
    } else if rowTilesApply(geometry) {
      forward = .rows
    } else if geometry.isPointwise {
      forward = .pointwiseGEMM
    } else if OCG > GemmTuning.tileRows {
      // im2col packed by the GEMM on the fly, unless the GEMM would not pack B at all: with at
      // most one register tile of rows (OCG ≤ 6, e.g. LeNet's first layer) it reads a stored
      // im2col matrix in place, which costs no more than packing it.
      forward = .implicitGEMM
    } else {
      forward = .im2colGEMM
    }

    if geometry.isDepthwise {
      inputGradient = .depthwise
    } else if winograd {
      inputGradient = .winograd
    } else if geometry.isPointwise {
      inputGradient = .pointwiseGEMM
    } else {
      inputGradient = .im2colGEMM
    }

    if geometry.isDepthwise {
      weightGradient = .depthwise
    } else if gather {
      weightGradient = .gather
    } else if geometry.isPointwise {
      weightGradient = .pointwiseGEMM
    } else if K * P < implicitWeightGradientMinimum {
      // A small im2col (LeNet's layers, 3-channel stems: few taps) is cheaper to write with
      // im2col's contiguous row copies and pack by 4×4 transposes than to pack on the fly.
      weightGradient = .im2colGEMM
    } else if P < weightGradientBatchingPixels {
      weightGradient = .implicitGEMMAcrossImages
    } else {
      weightGradient = .implicitGEMM
    }
  }

  /// The algorithm chosen for `pass`.
  public func algorithm(for pass: Conv2DPass) -> Conv2DAlgorithm {
    switch pass {
    case .forward: return forward
    case .inputGradient: return inputGradient
    case .weightGradient: return weightGradient
    }
  }
}
