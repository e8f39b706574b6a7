import ConvNetAutograd
import ConvNetImage
import ConvNetNN
import ConvNetTensor
import Foundation

/// Gradient-weighted class activation mapping (Selvaraju et al., "Grad-CAM: Visual Explanations
/// from Deep Networks via Gradient-based Localization", ICCV 2017): where in the input the
/// network found the evidence for a class.
///
/// With A^k the k-th feature map of a convolutional layer and y^c the score (logit) of class c:
/// α_k = (1 / (h·w)) Σ_ij ∂y^c/∂A^k_ij (the gradient averaged over the map), and the coarse map
/// is ReLU(Σ_k α_k A^k), h×w; it is scaled to [0, 1] by its maximum and resized bilinearly to the
/// input's size for display.
///
/// **How the gradient at an intermediate layer is obtained.** The forward pass runs under a
/// `ModuleTracer` hook that hands the layers after the chosen module a fresh *leaf* variable
/// holding that module's output, with `requiresGrad` set; everything before it runs without a
/// graph and the network's parameters are excluded from gradients for the pass (their flags are
/// restored afterwards, their `grad`s are not touched). `backward()` from y^c then leaves
/// ∂y^c/∂A in the leaf's `grad` — the autograd needs no extra facility.
public struct GradCAM {
  /// One class with the probability the network gives it.
  public struct Prediction: Equatable {
    public let classIndex: Int
    public let probability: Float
  }

  /// The module path of the layer whose maps were weighted (e.g. "layer4.1", "features.4").
  public let layerName: String
  /// Its description ("BasicBlock", "ReLU").
  public let layerDescription: String
  /// The class c explained.
  public let classIndex: Int
  /// α_k, one weight per channel of the layer.
  public let channelWeights: [Float]
  /// The layer's output A for the image, [C, h, w].
  public let activations: Tensor
  /// ReLU(Σ_k α_k A^k) before scaling, [h, w].
  public let coarseMap: Tensor
  /// The coarse map divided by its maximum (all zeros when it is zero everywhere) and resized
  /// bilinearly to the input, [H, W], values in [0, 1].
  public let heatMap: Tensor
  /// The softmax of the network's output, one probability per class.
  public let probabilities: [Float]
  /// The most probable classes, most probable first (ties: lower index first).
  public let topClasses: [Prediction]

  /// Explains the network's decision on one image.
  ///
  /// - Parameters:
  ///   - model: the network; it runs in evaluation mode and is left as it was.
  ///   - input: one image, [1, C, H, W] (or [C, H, W]), normalised as the network expects.
  ///   - classIndex: the class to explain; nil: the predicted (most probable) class.
  ///   - layer: the module path of the layer to weight; nil: `GradCAM.defaultLayer`.
  ///   - topCount: how many classes `topClasses` lists (5).
  /// - Throws: `InsightError` for a bad input shape, an unknown or unsuitable layer, a class out
  ///   of range, or a class score that does not depend on the layer.
  public init(
    model: any Module, input: Tensor, classIndex: Int? = nil, layer: String? = nil,
    topCount: Int = 5
  ) throws {
    let image: Tensor
    switch input.rank {
    case 3: image = input.reshaped([1] + input.shape)
    case 4 where input.shape[0] == 1: image = input
    default: throw InsightError("Grad-CAM explains one image [1, C, H, W], got shape \(input.shape)")
    }
    let path = try layer ?? GradCAM.defaultLayer(of: model, sampleShape: Array(image.shape.dropFirst()))
    let target = try LayerSelection.module(at: path, in: model)

    var leaf: Variable?
    var callCount = 0
    let parameters = model.parameters
    let parameterFlags = parameters.map(\.requiresGrad)
    for parameter in parameters { parameter.requiresGrad = false }
    defer { for (parameter, flag) in zip(parameters, parameterFlags) { parameter.requiresGrad = flag } }
    let logits = FeatureMapCapture.runInEvaluationMode(model) {
      GradientMode.$isEnabled.withValue(true) {
        ModuleTracer.observingOutputs({ module, output in
          guard module === target else { return output }
          callCount += 1
          let stand = Variable(output.value, requiresGrad: true)
          leaf = stand
          return stand
        }) {
          model(Variable(image))
        }.result
      }
    }
    guard let leaf, callCount == 1 else {
      throw InsightError(
        callCount == 0
          ? "layer \"\(path)\" did not run in the forward pass"
          : "layer \"\(path)\" runs \(callCount) times in one forward pass; choose a module that runs once")
    }
    guard leaf.value.rank == 4 else {
      throw InsightError(
        "layer \"\(path)\" (\(target.layerDescription)) outputs shape \(leaf.shape), not feature maps")
    }
    guard logits.value.rank == 2, logits.shape[0] == 1 else {
      throw InsightError("the network's output has shape \(logits.shape), expected [1, classes]")
    }
    let classCount = logits.shape[1]
    let scores = logits.value.scalars
    let chosen = classIndex ?? GradCAM.argmax(scores)
    guard (0..<classCount).contains(chosen) else {
      throw InsightError(
        "class \(chosen) is out of range: the network has \(classCount) classes (0–\(classCount - 1))")
    }
    var oneHot = Tensor.zeros(logits.shape)
    oneHot[0, chosen] = 1
    logits.backward(gradient: oneHot)
    guard let gradient = leaf.grad else {
      throw InsightError("the score of class \(chosen) does not depend on layer \"\(path)\"")
    }

    let (channels, height, width) = (leaf.shape[1], leaf.shape[2], leaf.shape[3])
    let plane = height * width
    let a = leaf.value.scalars
    let g = gradient.scalars
    var weights = [Float](repeating: 0, count: channels)
    var map = [Float](repeating: 0, count: plane)
    for k in 0..<channels {
      var sum: Float = 0
      for i in 0..<plane { sum += g[k * plane + i] }
      weights[k] = sum / Float(plane)
      for i in 0..<plane { map[i] += weights[k] * a[k * plane + i] }
    }
    map = map.map { max($0, 0) }

    layerName = path
    layerDescription = target.layerDescription
    self.classIndex = chosen
    channelWeights = weights
    activations = leaf.value.reshaped([channels, height, width])
    coarseMap = Tensor(shape: [height, width], scalars: map)
    heatMap = GradCAM.upsampled(map, height: height, width: width, to: (image.shape[2], image.shape[3]))
    probabilities = GradCAM.softmax(scores)
    topClasses = probabilities.enumerated()
      .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
      .prefix(max(0, topCount))
      .map { Prediction(classIndex: $0.offset, probability: $0.element) }
  }

  /// The layer Grad-CAM weights by default: the last conv/pool block (`LayerSelection`) to
  /// finish in the forward pass whose output is a feature map larger than 1×1 and which is not a
  /// pooling layer — a residual stage's last block, the last Inception module, the last dense
  /// block; for a convolution inside a sequence, the output of the normalisation and activation
  /// layers directly after it (e.g. LeNet-5's "features.4", the ReLU after "features.3").
  ///
  /// - Parameter sampleShape: the shape of one input, [C, H, W] (the layers' sizes depend on it).
  public static func defaultLayer(of model: any Module, sampleShape: [Int]) throws -> String {
    let capture = try FeatureMapCapture.capture(model, input: Tensor.zeros([1] + sampleShape))
    let modules = LayerSelection.modulesByPath(model)
    guard
      let last = capture.featureMaps.last(where: { !LayerSelection.isPooling(modules[$0.name]!) })
    else {
      throw InsightError(
        "the network has no convolutional block with feature maps larger than 1×1 for input \(sampleShape)")
    }
    return LayerSelection.rectifiedOutputPath(of: last.name, in: model)
  }

  static func argmax(_ values: [Float]) -> Int {
    var best = 0
    for (index, value) in values.enumerated() where value > values[best] { best = index }
    return best
  }

  static func softmax(_ scores: [Float]) -> [Float] {
    let top = scores.max() ?? 0
    let exponentials = scores.map { Float(Foundation.exp(Double($0 - top))) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
  }

  /// `map` (height×width) divided by its maximum and resized bilinearly to `size`.
  static func upsampled(_ map: [Float], height: Int, width: Int, to size: (Int, Int)) -> Tensor {
    let peak = map.max() ?? 0
    let scaled = peak > 0 ? map.map { $0 / peak } : map
    let resized = Image(width: width, height: height, channels: 1, pixels: scaled)
      .resized(width: size.1, height: size.0)
    return Tensor(shape: [size.0, size.1], scalars: resized.pixels)
  }
}
