import ConvNetAutograd
import ConvNetKernels
import Foundation
import Synchronization

/// Prepared inference: when a network runs without recording gradients, its convolutions keep
/// their weights prepared between calls (packed for the GEMM, transformed for Winograd — see
/// `PreparedConv2D`), a batch norm in evaluation mode is folded into the convolution before it,
/// and the activation (ReLU, ReLU6, hardswish) and a residual block's addition run in the
/// convolution's epilogue.
///
/// Where it lives: in the layers, not in a separate compiled graph. `Conv2d` keeps its prepared
/// form (`ConvolutionInferenceCache`), `Sequential` recognises conv → batch norm → activation
/// runs, and the residual blocks (ResNet's, MobileNetV2's) call the fused form for their last
/// convolution — so every way a model is run (`convnet infer`, evaluation during training,
/// benchmarks, user code under `withoutGradients`) gets it, and a model needs no compile step
/// that could drift from its `forward`. The unfused code stays the path for training, for
/// recorded gradients and while a `ModuleTracer` watches (summaries and feature maps see every
/// layer's output).
///
/// Staleness: a prepared convolution is keyed by the storage identity and write version
/// (`TensorStorage.version`, bumped by every write path of `Tensor`) of each tensor it was made
/// from — weight, bias and the batch norm's γ, β, running mean and variance — and by the batch
/// norm itself; any optimiser step, `loadStateDict`, weight initialisation or assignment of a
/// new tensor changes one of them, and the next call prepares again. A batch norm in training
/// mode is never folded.
public enum PreparedInference {
  private static let enabled = Atomic<Bool>(
    ProcessInfo.processInfo.environment["CONVNET_PREPARED"] != "0")

  /// On unless the environment has `CONVNET_PREPARED=0` or it is switched off here (to compare,
  /// or to compute the unprepared result in a test).
  public static var isEnabled: Bool {
    get { enabled.load(ordering: .relaxed) }
    set { enabled.store(newValue, ordering: .relaxed) }
  }

  /// Runs `body` with prepared inference on or off, then restores the setting.
  public static func with<R>(enabled value: Bool, _ body: () throws -> R) rethrows -> R {
    let previous = isEnabled
    isEnabled = value
    defer { isEnabled = previous }
    return try body()
  }

  /// Whether a forward pass made now may take the prepared path: enabled, no gradients being
  /// recorded, no `ModuleTracer` watching, and every batch norm in `batchNorms` (the ones that
  /// would be folded) in evaluation mode.
  public static func applies(foldingBatchNorms batchNorms: [BatchNorm?] = []) -> Bool {
    isEnabled && !GradientMode.isEnabled && ModuleTracer.current == nil
      && batchNorms.allSatisfy { !($0?.isTraining ?? false) }
  }
}
