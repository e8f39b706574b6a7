import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor

extension Workloads {
  /// `resnet50-infer`: the catalogue's `resnet50` (torchvision's layout, 1,000 classes), measured
  /// as `resnet18-infer` is (see `catalogueInference`).
  public static let resNet50Inference = catalogueInference(
    workload: "resnet50-infer", architecture: "resnet50", title: "ResNet-50 (torchvision)")

  /// `mobilenet_v2-infer`: the catalogue's `mobilenet_v2` (torchvision's, 1,000 classes),
  /// measured as `resnet18-infer` is (see `catalogueInference`).
  public static let mobileNetV2Inference = catalogueInference(
    workload: "mobilenet_v2-infer", architecture: "mobilenet_v2", title: "MobileNetV2 (torchvision)")

  /// Inference of a catalogue network (seed 1) in evaluation mode without gradients (so
  /// prepared: batch norm folded, weights packed once, see `PreparedInference`), timed by
  /// `measureInference`. bench/pytorch_peer.py measures the same network in PyTorch eager, and
  /// in ONNX Runtime from ConvNet's export of it (`writeONNX`).
  static func catalogueInference(workload: String, architecture name: String, title: String)
    -> Workload
  {
    Workload(
      name: workload,
      summary: "\(title) inference at 224×224: batch-1 latency (ms), batch-16 (images/s)"
    ) { settings, emit in
      let model = try inferenceModel(architecture: name)
      try measureInference(workload: workload, settings: settings, emit: emit) { _ = model($0) }
    }
  }
}
