// Max pooling forward for inference: the values only, no argmax indices (see maxpool_values.c).
import CConvNetKernels

/// Max pooling forward without indices, for a forward pass whose gradient will never be taken
/// (inference). Same window rule and exactly the same output values as `maxPool2DForward`
/// (and its reference twin), any window, stride, padding and ceil mode; overwrites `output`
/// `[N, C, OH, OW]`. Planes are split over threads; within a row, 16 outputs per AVX-512 vector
/// (`simdLevel` below AVX-512: the portable loop). With `applyingReLU`, pools relu(input).
public func maxPool2DForwardValues(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry: Pool2DGeometry,
  applyingReLU: Bool = false, simdLevel: Int32 = poolSIMDLevel
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let (H, W, OH, OW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
  parallelChunks(g.planeCount, minimumChunk: planesPerChunk(H * W)) { planes in
    cn_maxpool_values_forward(
      simdLevel, planes.count, H, W, OH, OW, g.kernelHeight, g.kernelWidth, g.strideHeight,
      g.strideWidth, g.paddingHeight, g.paddingWidth, input + planes.lowerBound * H * W,
      output + planes.lowerBound * OH * OW, applyingReLU ? 1 : 0)
  }
}
