import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

extension Conv2d {
  /// The stride, padding (per side), dilation and groups of a call, as `conv2d` makes them.
  public var settings: Conv2DSettings {
    let sides = padding.sides(kernel: kernelSize, dilation: dilation)
    return Conv2DSettings(
      strideHeight: stride.height, strideWidth: stride.width, paddingTop: sides.top,
      paddingBottom: sides.bottom, paddingLeft: sides.left, paddingRight: sides.right,
      dilationHeight: dilation.height, dilationWidth: dilation.width, groups: groups)
  }

  /// This layer's prepared form with `batchNorm` folded in, from its inference cache (made again
  /// when a source tensor changed; see `PreparedInference`), for callers that run several
  /// prepared convolutions as one kernel (an imported graph's inverted residual blocks) or that
  /// must take the form under their own lock and run it outside. `batchNorm`, if given, must be
  /// in evaluation mode and have `outputChannels` features.
  public func preparedConvolution(foldingBatchNorm batchNorm: BatchNorm? = nil) -> PreparedConv2D {
    inferenceCache.prepared(self, foldingBatchNorm: batchNorm)
  }

  /// `activation(batchNorm(self(input)) + residual)` in one prepared pass (see
  /// `PreparedInference`): the batch norm folded into the weight and bias, the weight kept
  /// packed between calls, the residual (same shape as the output) and activation in the
  /// convolution's epilogue. The result records no gradient. Call it where
  /// `PreparedInference.applies(foldingBatchNorms: [batchNorm])` holds; an input or residual
  /// that does not fit runs the layers one by one instead (which report the problem as usual).
  public func preparedForward(
    _ input: Variable, foldingBatchNorm batchNorm: BatchNorm? = nil, residual: Variable? = nil,
    activation: FusedActivation = .none
  ) -> Variable {
    let x = input.value
    if x.rank == 4 && x.shape[1] == inputChannels && !(batchNorm?.isTraining ?? false) {
      let geometry = Conv2DGeometry(input: x.shape, weight: weight.shape, settings: settings)
      let outputShape = [
        geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth,
      ]
      if geometry.validate() == nil && (residual.map { $0.shape == outputShape } ?? true)
        && (batchNorm.map { $0.features == outputChannels } ?? true)
      {
        let prepared = inferenceCache.prepared(self, foldingBatchNorm: batchNorm)
        var output = Tensor(uninitializedShape: outputShape)
        prepared.forward(
          input: x.readOnlyElements, output: output.uniqueElements(), geometry: geometry,
          residual: residual?.value.readOnlyElements, activation: activation)
        return Variable(output)
      }
    }
    var y = self(input)
    if let batchNorm { y = batchNorm(y) }
    if let residual { y = y + residual }
    switch activation {
    case .none: return y
    case .relu: return relu(y)
    case .relu6: return relu6(y)
    case .hardswish: return hardswish(y)
    }
  }
}

extension Module {
  /// Drops every prepared convolution in this module tree (see `PreparedInference`), returning
  /// its memory; the next inference call prepares again. Not needed for correctness: a changed
  /// parameter is noticed on the next call.
  public func releasePreparedInference() {
    for (_, module) in namedModules() {
      (module as? Conv2d)?.inferenceCache.release()
    }
  }

  /// How many convolutions in this module tree hold a prepared form now.
  public var preparedConvolutionCount: Int {
    namedModules().filter { ($0.module as? Conv2d)?.inferenceCache.isPrepared ?? false }.count
  }
}
